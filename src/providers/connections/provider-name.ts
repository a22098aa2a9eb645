/** A connection name as validation accepts it (config/provider-connection.dto.ts): [a-z0-9-], 1-63 characters. */
export const PROVIDER_NAME_PATTERN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * True when `name` could name a connection. A path parameter that cannot is a
 * 404 without a query: one with a NUL failed in PostgreSQL (a 500).
 */
export function isProviderName(name: string): boolean {
  return PROVIDER_NAME_PATTERN.test(name);
}
