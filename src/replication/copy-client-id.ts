import { createHash } from 'node:crypto';

/**
 * The id the copy asks for where the provider lets the client choose (Glance):
 * the same for every attempt of one job, so an attempt after a lost create
 * answer finds the image the first one made instead of making a second.
 */
export function copyClientId(targetId: string, jobId: string): string {
  const h = createHash('sha256').update(`replication-target:${targetId}:${jobId}`).digest();
  h[6] = (h[6] & 0x0f) | 0x50; // version 5 layout (name-based)
  h[8] = (h[8] & 0x3f) | 0x80; // RFC 4122 variant
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
