import { hasLoneSurrogate, hasNul } from '../platform/persistence/storable-text';
import {
  IMAGE_KINDS,
  IMAGE_STATUSES,
  IMAGE_VISIBILITIES,
  type NormalizedImage,
} from '../providers/port/normalized-image';

/** Why one value of an upstream image cannot be written to the catalogue as it is. */
export interface UnstorableValue {
  /** The catalogue field, in the API's terms (`name`, `os.distro`, `properties.owner_note`, `tags[2]`). */
  field: string;
  reason: string;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
/** 2^63 is exactly representable as a double; every bigint is below it. */
const INT64_LIMIT = 2 ** 63;
/** PostgreSQL's timestamptz starts at 4713 BC (year -4712); JavaScript's Date ends before PostgreSQL does. */
const TIMESTAMP_MIN_YEAR = -4712;
/** Field paths in reasons are cut to this length: the report is for people, not a copy of the payload. */
const MAX_FIELD_LENGTH = 120;

/**
 * The first value of an upstream image that PostgreSQL cannot hold as it is,
 * or null when the whole row can be written. Checked before the write, so a
 * sync skips the row with a reason instead of failing the batch:
 *  - NUL (U+0000): text and jsonb refuse it;
 *  - a lone UTF-16 surrogate: jsonb refuses its escape, and text would silently
 *    turn it into U+FFFD (not lossless, so the row is not stored either);
 *  - integers beyond their column (min_disk_gib and min_ram_mib are 32-bit,
 *    size_bytes 64-bit) or not integers at all;
 *  - dates that are invalid or before PostgreSQL's first timestamp.
 * Linear in the size of the image; the JSON walk is iterative, so a deeply
 * nested provider payload cannot overflow the stack.
 */
export function findUnstorableValue(image: NormalizedImage): UnstorableValue | null {
  const texts: Array<[string, string | null]> = [
    ['nativeId', image.nativeId],
    ['region', image.region],
    ['name', image.name],
    ['nativeStatus', image.nativeStatus],
    ['os.type', image.os.type],
    ['os.family', image.os.family],
    ['os.distro', image.os.distro],
    ['os.version', image.os.version],
    ['os.codename', image.os.codename],
    ['os.architecture', image.os.architecture],
    ['gpu.vendor', image.gpu?.vendor ?? null],
    ['gpu.driver', image.gpu?.driver ?? null],
    ['diskFormat', image.diskFormat],
    ['containerFormat', image.containerFormat],
    ['checksums.md5', image.checksums.md5],
    ['checksums.sha256', image.checksums.sha256],
    ['checksums.sha512', image.checksums.sha512],
    ...(image.gpu?.models ?? []).map((model, i): [string, string] => [`gpu.models[${i}]`, model]),
    ...image.tags.map((tag, i): [string, string] => [`tags[${i}]`, tag]),
  ];
  for (const [field, value] of texts) {
    const reason = value === null ? null : textProblem(value);
    if (reason) return { field, reason };
  }
  return (
    enumProblem('kind', image.kind, IMAGE_KINDS) ??
    enumProblem('visibility', image.visibility, IMAGE_VISIBILITIES) ??
    enumProblem('status', image.status, IMAGE_STATUSES) ??
    integerProblem('minDiskGiB', image.minDiskGiB, INT32_MIN, INT32_MAX + 1, '32-bit integer') ??
    integerProblem('minRamMiB', image.minRamMiB, INT32_MIN, INT32_MAX + 1, '32-bit integer') ??
    integerProblem('sizeBytes', image.sizeBytes, -INT64_LIMIT, INT64_LIMIT, '64-bit integer') ??
    dateProblem('createdAt', image.createdAt) ??
    dateProblem('updatedAt', image.updatedAt) ??
    jsonProblem('softwareVersions', image.softwareVersions) ??
    jsonProblem('properties', image.properties) ??
    jsonProblem('versions', image.versions) ??
    jsonProblem('native', image.native)
  );
}

/** A string with a NUL or a lone surrogate, made printable for a report (the escapes spelt out, cut short). */
export function printable(value: string, max = MAX_FIELD_LENGTH): string {
  let out = '';
  for (let i = 0; i < value.length && out.length < max; i++) {
    const code = value.charCodeAt(i);
    const pairs = isHighSurrogate(code) && isLowSurrogate(value.charCodeAt(i + 1));
    if (pairs) {
      out += value.slice(i, i + 2);
      i += 1;
    } else if (code === 0 || isHighSurrogate(code) || isLowSurrogate(code)) {
      out += `\\u${code.toString(16).padStart(4, '0')}`;
    } else {
      out += value[i];
    }
  }
  return out.length >= max && out.length < value.length ? `${out.slice(0, max - 1)}…` : out;
}

/** Why PostgreSQL cannot hold a string unchanged, or null when it can (the rule: persistence/storable-text). */
export function textProblem(value: string): string | null {
  if (hasNul(value)) return 'contains a NUL character (U+0000), which PostgreSQL cannot store in text or jsonb';
  if (!hasLoneSurrogate(value)) return null;
  // Only a refused value is scanned again, for the code point the report names.
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (isHighSurrogate(code) && isLowSurrogate(value.charCodeAt(i + 1))) i += 1;
    else if (isHighSurrogate(code) || isLowSurrogate(code)) {
      return `contains a lone UTF-16 surrogate (U+${code.toString(16).toUpperCase()}), which is not valid Unicode and cannot be stored unchanged`;
    }
  }
  return null;
}

function enumProblem(field: string, value: string | null, allowed: readonly string[]): UnstorableValue | null {
  if (value === null || allowed.includes(value)) return null;
  return { field, reason: `is not one of ${allowed.join(', ')}` };
}

/** An integer in [min, limit): the column's range. */
function integerProblem(
  field: string,
  value: number | null,
  min: number,
  limit: number,
  type: string,
): UnstorableValue | null {
  if (value === null) return null;
  if (!Number.isInteger(value)) return { field, reason: `${String(value)} is not an integer` };
  if (value < min || value >= limit) {
    return { field, reason: `${String(value)} is beyond the range of a ${type} (the catalogue column's type)` };
  }
  return null;
}

function dateProblem(field: string, value: Date | null): UnstorableValue | null {
  if (value === null) return null;
  if (Number.isNaN(value.getTime())) return { field, reason: 'is not a valid date' };
  if (value.getUTCFullYear() < TIMESTAMP_MIN_YEAR)
    return { field, reason: 'is before the first date PostgreSQL can hold' };
  return null;
}

/** Every key and string value of a JSON document, walked without recursion. */
function jsonProblem(root: string, value: unknown): UnstorableValue | null {
  const stack: Array<[string, unknown]> = [[root, value]];
  while (stack.length > 0) {
    const [path, current] = stack.pop()!;
    if (typeof current === 'string') {
      const reason = textProblem(current);
      if (reason) return { field: printable(path), reason };
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push([childPath(path, `[${i}]`), current[i]]);
    } else if (current !== null && typeof current === 'object') {
      const entries = Object.entries(current as Record<string, unknown>);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i];
        const keyPath = childPath(path, `.${key}`);
        const keyReason = textProblem(key);
        if (keyReason) return { field: printable(keyPath), reason: `its key ${keyReason}` };
        stack.push([keyPath, child]);
      }
    }
  }
  return null;
}

/** Paths stop growing past the report's length, so a deeply nested document costs linear time. */
function childPath(path: string, step: string): string {
  return path.length > MAX_FIELD_LENGTH ? path : `${path}${step}`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
