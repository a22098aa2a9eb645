/**
 * Reading loosely typed provider payload values. Providers' wire formats are not
 * bound by our payload types, so every reader accepts `unknown` and answers null
 * for anything that is not what it claims to be.
 */

/** A trimmed non-empty string, else null. */
export function trimmedText(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/** trimmedText() lower-cased: for enum-like values providers spell in any case. */
export function lowerCaseText(value: unknown): string | null {
  return trimmedText(value)?.toLowerCase() ?? null;
}

/** Like trimmedText(), but a number such as os_version 22.04 is kept as written. */
export function scalarText(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return trimmedText(value);
}

/** A timestamp string Date can read, else null. */
export function parseDate(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** A JSON object: not null, not an array. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The table's value for `key`, else null. Own keys only, so a provider sending
 * e.g. `constructor` or `__proto__` gets null rather than an Object.prototype member.
 */
export function lookup<T>(table: Readonly<Record<string, T>>, key: string | null | undefined): T | null {
  return key != null && Object.hasOwn(table, key) ? table[key] : null;
}
