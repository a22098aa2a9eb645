import { createHash } from 'node:crypto';

/**
 * The broker id of a synced image: a UUID derived from its natural key, so the
 * same upstream image keeps the same id across syncs, replicas and re-creations
 * of the catalogue.
 */
export function deterministicImageId(providerName: string, region: string, nativeId: string): string {
  const h = createHash('sha256').update(`${providerName}\u0000${region}\u0000${nativeId}`).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
