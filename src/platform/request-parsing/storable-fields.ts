import type { FieldProblem } from '../config/validation-messages';
import { BadRequestError } from '../errors/app.errors';
import { hasLoneSurrogate, hasNul } from '../persistence/storable-text';

/**
 * Why a string cannot be stored as it is, or null. PostgreSQL refuses NUL in
 * `text` (and in `jsonb`), and `jsonb` refuses a lone UTF-16 surrogate (JSON
 * lets a client send `"\ud800"`); a provider given either stores what the
 * catalogue then cannot. Both checks are native and linear.
 */
export function unstorableTextReason(text: string): string | null {
  if (hasNul(text)) return 'must not contain NUL (\\u0000) characters';
  if (hasLoneSurrogate(text)) return 'must not contain a lone UTF-16 surrogate (as \\ud800)';
  return null;
}

/** One node of the walk, with the way back to the root so that a path is built only for a problem. */
interface Visit {
  value: unknown;
  parent: Visit | null;
  key: string | number | null;
}

/**
 * Sanity caps on any array or object of any body, checked in the same pass so
 * that class-transformer and class-validator, whose cost per item is high,
 * never walk a megabyte of tags or keys only to refuse it. Far above every
 * DTO's own cap (the largest, an upload's 10,000 parts), which still applies.
 */
export const MAX_BODY_ARRAY_ITEMS = 10_000;
export const MAX_BODY_OBJECT_KEYS = 1_000;

/** Longest key shown in a field path: enough to recognise it; the key's own length rule reports the rest. */
const SHOWN_KEY_CHARS = 64;

/**
 * Every string of a parsed JSON body, object keys included, checked with
 * `unstorableTextReason`, and every array and object against the sanity caps
 * above: the first `limit` problems, each naming its field as
 * a dotted path (`properties.os_distro`, `tags[2]`). One iterative pass over
 * the body: linear in its size and safe at any nesting depth.
 */
export function findUnstorableText(body: unknown, limit = 20): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const pending: Visit[] = [{ value: body, parent: null, key: null }];
  while (pending.length > 0 && problems.length < limit) {
    const visit = pending.pop() as Visit;
    const { value } = visit;
    if (typeof value === 'string') {
      const reason = unstorableTextReason(value);
      if (reason) problems.push(problem(visit, reason));
    } else if (Array.isArray(value)) {
      if (value.length > MAX_BODY_ARRAY_ITEMS) {
        problems.push(problem(visit, `must not have more than ${MAX_BODY_ARRAY_ITEMS} items`));
        continue;
      }
      for (let i = value.length - 1; i >= 0; i--) pending.push({ value: value[i], parent: visit, key: i });
    } else if (isPlainObject(value)) {
      const keys = Object.keys(value);
      if (keys.length > MAX_BODY_OBJECT_KEYS) {
        problems.push(problem(visit, `must not have more than ${MAX_BODY_OBJECT_KEYS} keys`));
        continue;
      }
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i];
        const keyReason = unstorableTextReason(key);
        if (keyReason) {
          problems.push(problem(visit, `has a key that ${keyReason}`));
          continue;
        }
        pending.push({ value: value[key], parent: visit, key });
      }
    }
  }
  return problems.slice(0, limit);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

function problem(visit: Visit, reason: string): FieldProblem {
  const field = pathOf(visit) || 'body';
  return { field, message: `${field} ${reason}` };
}

function pathOf(visit: Visit): string {
  const parts: string[] = [];
  for (let at: Visit | null = visit; at && at.key !== null; at = at.parent) {
    parts.push(typeof at.key === 'number' ? `[${at.key}]` : `.${shownKey(at.key)}`);
  }
  return parts.reverse().join('').replace(/^\./, '');
}

/** A key as shown in a path: cut, and with what cannot be stored or shown escaped. */
function shownKey(key: string): string {
  const cut = key.length > SHOWN_KEY_CHARS ? `${key.slice(0, SHOWN_KEY_CHARS)}…` : key;
  // JSON.stringify escapes control characters and lone surrogates (ES2019 well-formed stringify).
  return JSON.stringify(cut).slice(1, -1);
}

/** Throws a 400 naming every field (up to 20) of `body` that PostgreSQL could not store. */
export function assertStorableBody(body: unknown): void {
  const problems = findUnstorableText(body);
  if (problems.length > 0) throw new BadRequestError(problems.map((p) => p.message).join('; '), problems);
}

/**
 * A path parameter that the provider and then the catalogue will store (a tag,
 * a member id): the same text rule as a body, and the same length cap as the
 * body field it stands for, refused with a 400 naming it before any provider
 * call. Path parameters do not pass StorableBodyPipe, which reads bodies only:
 * a tag `a%00b` reached the provider, and the image could not be synced again.
 */
export class StorableParamPipe {
  constructor(
    private readonly field: string,
    private readonly maxLength: number,
  ) {}

  transform(value: string): string {
    const reason =
      unstorableTextReason(value) ??
      (value.length > this.maxLength ? `must be at most ${this.maxLength} characters` : null);
    if (reason) {
      const message = `${this.field} ${reason}`;
      throw new BadRequestError(message, [{ field: this.field, message }]);
    }
    return value;
  }
}
