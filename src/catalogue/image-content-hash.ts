import { createHash } from 'node:crypto';
import type { NormalizedImage } from '../providers/port/normalized-image';

/**
 * Hash of everything a sync would write for an image, so an upsert can skip
 * rows whose upstream data did not change (a quiet re-sync writes nothing).
 */
export function imageContentHash(image: NormalizedImage): string {
  return createHash('sha1').update(stableStringify(image)).digest('hex');
}

function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
}
