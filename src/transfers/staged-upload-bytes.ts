import { Readable } from 'node:stream';
import { segmentCount, segmentKey, segmentSlices, type SegmentSlice } from '../staging/segmented-layout';
import type { StagingStorage } from '../staging/staging-storage';

/** What of an upload row says where its bytes are staged. */
export interface StagedUploadLayout {
  stagingKey: string;
  /** Null: one object at `stagingKey`; else segments of this size under it. */
  segmentBytes: number | null;
  sizeBytes: bigint | number | null;
}

/** Deletes at once, so removing a large segmented upload is not one round trip per segment in a row. */
const DELETE_BATCH = 16;

/**
 * An upload's staged bytes, read and removed the same way whether a PUT of
 * known size staged them as segments or a direct session or an import as one
 * object.
 */
export class StagedUploadBytes {
  constructor(
    private readonly staging: StagingStorage,
    private readonly layout: StagedUploadLayout,
  ) {}

  /**
   * Bytes start..end (inclusive), or all of them. `ready` is awaited before
   * each segment is read, so a push can follow an upload still being
   * received; a failure there fails the stream.
   */
  async read(
    range?: { start: number; end: number },
    signal?: AbortSignal,
    ready?: (slice: SegmentSlice) => Promise<void>,
  ): Promise<Readable> {
    const { stagingKey, segmentBytes } = this.layout;
    if (segmentBytes === null) return this.staging.read(stagingKey, range, signal);
    const slices = segmentSlices(range, this.sizeBytes(), segmentBytes);
    return Readable.from(this.segments(slices, signal, ready), { objectMode: false });
  }

  async delete(): Promise<void> {
    const { stagingKey, segmentBytes } = this.layout;
    if (segmentBytes === null) return this.staging.delete(stagingKey);
    const count = segmentCount(this.sizeBytes(), segmentBytes);
    for (let first = 0; first < count; first += DELETE_BATCH) {
      const batch = Array.from({ length: Math.min(DELETE_BATCH, count - first) }, (_, i) => first + i);
      await Promise.all(batch.map((index) => this.staging.delete(segmentKey(stagingKey, index))));
    }
  }

  private sizeBytes(): number {
    if (this.layout.sizeBytes === null) throw new Error(`segmented upload ${this.layout.stagingKey} has no size`);
    return Number(this.layout.sizeBytes);
  }

  private async *segments(
    slices: SegmentSlice[],
    signal: AbortSignal | undefined,
    ready: ((slice: SegmentSlice) => Promise<void>) | undefined,
  ): AsyncGenerator<Buffer> {
    for (const slice of slices) {
      await ready?.(slice);
      const segment = await this.staging.read(
        segmentKey(this.layout.stagingKey, slice.index),
        { start: slice.start, end: slice.end },
        signal,
      );
      try {
        for await (const chunk of segment) yield chunk as Buffer;
      } finally {
        segment.destroy();
      }
    }
  }
}
