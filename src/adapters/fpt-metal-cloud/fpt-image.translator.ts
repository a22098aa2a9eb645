import type {
  ImageChecksums,
  ImageGpu,
  ImageKind,
  ImageOs,
  ImageStatus,
  NormalizedImage,
} from '../../provider-port/normalized-image';
import {
  type FptCustomImagePayload,
  type FptImageItemPayload,
  type FptPublicImagePayload,
  FPT_MAPPED_KEYS,
  fptImageId,
} from './fpt-image.payload';

/** Which list the item came from: FPT says public vs custom by endpoint, not in the item. */
export type FptImageSource = 'public' | 'custom';

export interface FptTranslationContext {
  region: string;
  source: FptImageSource;
}

type FptAnyImagePayload = FptPublicImagePayload & FptCustomImagePayload;

/**
 * FPT Metal Cloud image item → NormalizedImage. The rules are tabulated in
 * docs/providers/fpt-metal-cloud.md; keep the two in step. Nothing is inferred
 * from names or descriptions: a field the item does not carry is null.
 */
export class FptImageTranslator {
  toNormalized(raw: FptImageItemPayload, ctx: FptTranslationContext): NormalizedImage {
    const item = raw as FptAnyImagePayload;
    const nativeId = fptImageId(item);
    if (nativeId === null) throw new TypeError('an FPT image item needs an id');
    return {
      nativeId,
      region: ctx.region,
      name: text(item.name),
      kind: toKind(item.image_type, ctx.source),
      // The endpoint decides: the public list is FPT's catalogue, custom images belong to the VPC.
      visibility: ctx.source === 'public' ? 'public' : 'private',
      status: toStatus(item.status),
      nativeStatus: text(item.status),
      os: toOs(item),
      gpu: toGpu(item),
      softwareVersions: toSoftwareVersions(item),
      sizeBytes: count(item.size),
      minDiskGiB: null,
      minRamMiB: null,
      diskFormat: null,
      containerFormat: null,
      checksums: toChecksums(item.sha256),
      tags: [],
      properties: unmappedKeys(item),
      versions: null,
      protected: null,
      createdAt: toDate(item.created_at),
      updatedAt: toDate(item.updated_at),
      native: raw,
    };
  }
}

/** Upload lifecycle of custom images; public images are `active` (or `deprecated`, which has no equivalent). */
const STATUSES: Readonly<Record<string, ImageStatus>> = {
  pending: 'pending',
  uploading: 'uploading',
  processing: 'uploading',
  active: 'active',
  failed: 'failed',
  error: 'failed',
  deleting: 'deleting',
  deleted: 'deleted',
};

/** `image_type` of public items; custom images are `custom` whatever they say. */
const PUBLIC_KINDS: Readonly<Record<string, ImageKind>> = {
  base: 'base-os',
  os: 'base-os',
  application: 'preconfigured',
  preconfigured: 'preconfigured',
  snapshot: 'snapshot',
};

const DISTROS: Readonly<Record<string, { id: string; family: string }>> = {
  ubuntu: { id: 'ubuntu', family: 'debian' },
  debian: { id: 'debian', family: 'debian' },
  rocky: { id: 'rocky', family: 'rhel' },
  rockylinux: { id: 'rocky', family: 'rhel' },
  almalinux: { id: 'almalinux', family: 'rhel' },
  centos: { id: 'centos', family: 'rhel' },
  rhel: { id: 'rhel', family: 'rhel' },
  redhat: { id: 'rhel', family: 'rhel' },
  redhatenterpriselinux: { id: 'rhel', family: 'rhel' },
  windows: { id: 'windows', family: 'windows' },
  windowsserver: { id: 'windows', family: 'windows' },
};

const ARCHITECTURES: Readonly<Record<string, string>> = {
  amd64: 'x86_64',
  x86_64: 'x86_64',
  'x86-64': 'x86_64',
  x64: 'x86_64',
  arm64: 'aarch64',
  aarch64: 'aarch64',
};

/** Version keys that describe something other than installed software. */
const NOT_SOFTWARE_VERSIONS: ReadonlySet<string> = new Set(['os_version', 'driver_version']);

function toKind(imageType: unknown, source: FptImageSource): ImageKind {
  if (source === 'custom') return 'custom';
  const key = text(imageType)?.toLowerCase();
  return key !== undefined && Object.hasOwn(PUBLIC_KINDS, key) ? PUBLIC_KINDS[key] : 'base-os';
}

function toStatus(status: unknown): ImageStatus | null {
  const key = text(status)?.toLowerCase();
  return key !== undefined && Object.hasOwn(STATUSES, key) ? STATUSES[key] : null;
}

function toOs(item: FptAnyImagePayload): ImageOs {
  const type = text(item.os_type)?.toLowerCase() ?? null;
  const distroText = text(item.os_name) ?? text(item.os_distro);
  const key = distroText?.toLowerCase().replace(/[\s_-]+/g, '');
  const known = key !== undefined && Object.hasOwn(DISTROS, key) ? DISTROS[key] : null;
  const arch = text(item.architecture)?.toLowerCase() ?? null;
  return {
    type: type === 'linux' || type === 'windows' ? type : null,
    family: known?.family ?? null,
    distro: known?.id ?? distroText?.toLowerCase() ?? null,
    version: scalarText(item.os_version),
    codename: null,
    architecture: arch !== null && Object.hasOwn(ARCHITECTURES, arch) ? ARCHITECTURES[arch] : arch,
  };
}

/** A GPU block only when the item names a vendor, a driver or models; Hopper alone stays in properties. */
function toGpu(item: FptAnyImagePayload): ImageGpu | null {
  const vendor = text(item.gpu_vendor)?.toLowerCase() ?? null;
  const driver = scalarText(item.driver_version);
  const models = toModels(item.gpu_models);
  if (vendor === null && driver === null && models.length === 0) return null;
  return { vendor, driver, models };
}

function toModels(value: unknown): string[] {
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [];
  const models: string[] = [];
  for (const item of items) {
    const model = text(item)?.toUpperCase();
    if (model !== undefined) models.push(model);
  }
  return models;
}

/** `cuda_version: "12.4"` → `{cuda: "12.4"}`; the OS and driver versions have their own fields. */
function toSoftwareVersions(item: FptAnyImagePayload): Record<string, string> | null {
  let versions: Record<string, string> | null = null;
  for (const key in item) {
    if (!key.endsWith('_version') || NOT_SOFTWARE_VERSIONS.has(key)) continue;
    const version = scalarText(item[key]);
    const name = key.slice(0, -'_version'.length);
    if (version === null || name === '') continue;
    versions ??= {};
    versions[name] = version;
  }
  return versions;
}

function toChecksums(sha256: unknown): ImageChecksums {
  const hex = text(sha256)?.toLowerCase();
  return { md5: null, sha256: hex !== undefined && /^[0-9a-f]{64}$/.test(hex) ? hex : null, sha512: null };
}

function unmappedKeys(item: FptAnyImagePayload): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const key in item) {
    if (Object.hasOwn(item, key) && !FPT_MAPPED_KEYS.has(key)) properties[key] = item[key];
  }
  return properties;
}

function toDate(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** A non-negative integer; digit strings count, as some FPT APIs send numbers as text. */
function count(value: unknown): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : null;
  if (typeof value === 'string' && /^\d+$/.test(value.trim())) return Number(value.trim());
  return null;
}

/** A trimmed non-empty string, else null. */
function text(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/** Like text(), but a number such as os_version 22.04 is kept as written; null when absent. */
function scalarText(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return text(value);
}
