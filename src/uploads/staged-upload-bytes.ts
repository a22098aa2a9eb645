import { Readable } from 'node:stream';
import { segmentKey, segmentSlices, type SegmentSlice } from '../platform/staging/segmented-layout';
import type { StagingStorage } from '../platform/staging/staging-storage';

/** What of an upload row says where its bytes are staged. */
export interface StagedUploadLayout {
  stagingKey: string;
  /** Null: one object at `stagingKey`; else segments of this size under it. */
  segmentBytes: number | null;
  sizeBytes: bigint | number | null;
}

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

  /** The segments, in order, that hold bytes start..end (none for one object). */
  slices(range?: { start: number; end: number }): SegmentSlice[] {
    if (this.layout.segmentBytes === null) return [];
    return segmentSlices(range, this.sizeBytes(), this.layout.segmentBytes);
  }

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
    if (this.layout.segmentBytes === null) return this.staging.read(this.layout.stagingKey, range, signal);
    return Readable.from(this.segments(this.slices(range), signal, ready), { objectMode: false });
  }

  /** Removes what is staged: the object, or whichever segments were written. */
  async delete(): Promise<void> {
    if (this.layout.segmentBytes === null) return this.staging.delete(this.layout.stagingKey);
    await this.staging.deletePrefix(`${this.layout.stagingKey}/`);
  }

  /** Removes what is staged, reporting a failure instead of throwing it: the bucket's lifecycle rule takes what stays. */
  async deleteOrWarn(warn: (message: string) => void): Promise<void> {
    await this.delete().catch((error: unknown) => {
      warn(
        `could not remove staged ${this.layout.stagingKey}: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
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
