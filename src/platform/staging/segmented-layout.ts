/**
 * A staged object kept as consecutive segments: segment `i` holds bytes
 * i×segmentBytes up to the next boundary, at its own key under the object's.
 * A reader can take each segment as soon as it lands, where one object, or
 * one multipart upload, is readable only once the last byte is in.
 */

/** The key of segment `index` (from 0): zero-padded so a listing sorts them in order (up to 95 TiB in 1 MiB segments). */
export function segmentKey(key: string, index: number): string {
  return `${key}/${String(index).padStart(8, '0')}`;
}

/** How many segments an object of `sizeBytes` takes: at least one, so an empty object still has a key. */
export function segmentCount(sizeBytes: number, segmentBytes: number): number {
  return Math.max(1, Math.ceil(sizeBytes / segmentBytes));
}

/** The length of segment `index`. */
export function segmentLength(index: number, sizeBytes: number, segmentBytes: number): number {
  return Math.max(0, Math.min(segmentBytes, sizeBytes - index * segmentBytes));
}

/** The part of one segment a range covers: `start`/`end` inside the segment, `lastByte` in the whole object. */
export interface SegmentSlice {
  index: number;
  start: number;
  end: number;
  lastByte: number;
}

/** The segments, in order, that hold bytes start..end (inclusive) of an object of `sizeBytes`. */
export function segmentSlices(
  range: { start: number; end: number } | undefined,
  sizeBytes: number,
  segmentBytes: number,
): SegmentSlice[] {
  const start = range?.start ?? 0;
  const end = Math.min(range?.end ?? sizeBytes - 1, sizeBytes - 1);
  const slices: SegmentSlice[] = [];
  for (let index = Math.floor(start / segmentBytes); index * segmentBytes <= end; index++) {
    const base = index * segmentBytes;
    const lastByte = Math.min(end, base + segmentBytes - 1);
    slices.push({ index, start: Math.max(start, base) - base, end: lastByte - base, lastByte });
  }
  return slices;
}
