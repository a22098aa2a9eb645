/** A UUID in text form, as PostgreSQL's uuid type takes it from the broker. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a UUID in text form: ids that are not cannot name a row, so they are a 404 without a query. */
export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}
