/** The operations of CONTRACT.md that a provider may or may not have. */
export const PROVIDER_OPERATIONS = [
  'list',
  'get',
  'create',
  'upload',
  'download',
  'update',
  'delete',
  'tags',
  'members',
] as const;
export type ProviderOperation = (typeof PROVIDER_OPERATIONS)[number];

export type Capabilities = Readonly<Record<ProviderOperation, boolean>>;

export function capabilities(supported: readonly ProviderOperation[]): Capabilities {
  const set = new Set(supported);
  return Object.fromEntries(PROVIDER_OPERATIONS.map((op) => [op, set.has(op)])) as Record<ProviderOperation, boolean>;
}
