import { Readable } from 'node:stream';
import { PermanentJobError } from '../jobs/job-handler';
import { segmentKey, segmentSlices, type SegmentSlice } from '../platform/staging/segmented-layout';
import type { StagingStorage } from '../platform/staging/staging-storage';
import type { ImageBytesSource } from '../providers/port/provider-writes';
import type { ImageDigest } from './image-digest.transform';
import { intakeFailureSummary } from './intake-failure';
import type { UploadSignalWatch } from './upload-signals';

/** What of an upload row says where its bytes are staged. */
export interface StagedLayout {
  stagingKey: string;
  /** Null: one object at `stagingKey`; else segments of this size under it. */
  segmentBytes: number | null;
  sizeBytes: bigint | number | null;
}

/** What the intake has recorded of an upload it is still receiving. */
export interface IntakeProgress {
  state: string;
  stagedBytes: bigint | null;
  sha256: string | null;
  sha512: string | null;
  md5: string | null;
  failureReason: string | null;
  failureCode: string | null;
}

/** An upload still being received, as the push that follows it sees it (UploadLifecycle.followIntake). */
export interface ReceivingIntake {
  /** The sha256 the image was registered with, which the intake checks the bytes against. */
  declaredSha256: string | null;
  progress(): Promise<IntakeProgress | null>;
  /** The intake's signals: the row is read again when one arrives. */
  signals: UploadSignalWatch;
  /** Whether the API process receiving it is still there. */
  alive(): Promise<boolean>;
}

export interface FollowTimings {
  /** How long a push waits for a signal before it reads the row anyway (a message lost on a reconnect). */
  rereadMs: number;
  /**
   * How long the intake's mark may stay missing before the push gives up:
   * longer than its renewal period, so a Redis that lost its keys (a restart)
   * does not end a live intake.
   */
  intakeGraceMs: number;
}

export const FOLLOW_TIMINGS: FollowTimings = { rereadMs: 3_000, intakeGraceMs: 12_000 };

/** The slice an empty object is read as: it is the last segment, so it waits for the verified digest. */
const EMPTY: SegmentSlice = { index: 0, start: 0, end: -1, lastByte: -1 };

/**
 * An upload's staged bytes as an adapter's uploadImage reads them: by range,
 * as often as a resumed push needs, whether a PUT of known size staged them
 * as segments or a direct session, an import or a replication as one object.
 *
 * An upload still being received (`receiving`) is followed: each segment is
 * read once the intake has stored it, and the segment holding the last byte
 * only once the intake has verified every byte against the registration, so
 * the provider cannot complete an image from bytes the broker would refuse.
 * A range (an FPT part) is opened only once all of it is staged, and the
 * whole image once its first segment is. When the intake refuses the bytes
 * or its API process dies, the push is ended through `stop` with a
 * PermanentJobError that says why, and the read fails.
 */
export class StagedUploadSource implements ImageBytesSource {
  readonly sizeBytes: number;
  private digest: Omit<ImageDigest, 'sizeBytes'> | null;

  constructor(
    private readonly staging: StagingStorage,
    private readonly layout: StagedLayout,
    verified: Omit<ImageDigest, 'sizeBytes'> | null,
    private readonly receiving: {
      intake: ReceivingIntake;
      stop: (reason: PermanentJobError) => void;
      timings?: FollowTimings;
    } | null = null,
  ) {
    if (layout.sizeBytes === null) throw new Error(`upload staged at ${layout.stagingKey} has no size`);
    this.sizeBytes = Number(layout.sizeBytes);
    this.digest = verified;
  }

  get sha256(): string {
    return this.digest?.sha256 ?? this.receiving?.intake.declaredSha256 ?? this.unverified('sha256');
  }

  get sha512(): string {
    return this.digest?.sha512 ?? this.unverified('sha512');
  }

  get md5(): string {
    return this.digest?.md5 ?? this.unverified('md5');
  }

  async open(range?: { start: number; end: number }, signal?: AbortSignal): Promise<Readable> {
    if (this.layout.segmentBytes === null) return this.staging.read(this.layout.stagingKey, range, signal);
    const slices = segmentSlices(range, this.sizeBytes, this.layout.segmentBytes);
    if (range !== undefined) {
      for (const slice of slices) await this.staged(slice, signal);
      return Readable.from(this.segments(slices, signal), { objectMode: false });
    }
    await this.staged(slices[0] ?? EMPTY, signal);
    return Readable.from(
      this.segments(slices, signal, (slice) => this.staged(slice, signal)),
      { objectMode: false },
    );
  }

  /** Stops following the intake. */
  close(): void {
    this.receiving?.intake.signals.close();
  }

  private async *segments(
    slices: SegmentSlice[],
    signal: AbortSignal | undefined,
    ready?: (slice: SegmentSlice) => Promise<void>,
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

  /** Waits until the slice may be read; the segment with the last byte waits for the verified digest. */
  private async staged(slice: SegmentSlice, signal?: AbortSignal): Promise<void> {
    // Verified means every segment is staged: nothing to wait for any more.
    if (this.digest || !this.receiving) return;
    const { intake, timings = FOLLOW_TIMINGS } = this.receiving;
    const holdsLastByte = (slice.index + 1) * this.layout.segmentBytes! >= this.sizeBytes;
    let intakeMissingSince: number | null = null;
    for (;;) {
      const row = await intake.progress();
      if (!row || row.state === 'failed' || row.state === 'cancelled') {
        // The intake says whether the bytes were refused or the client went away (or silent) mid-body.
        const code = row?.failureCode === 'upload_interrupted' ? 'upload_interrupted' : 'upload_refused';
        throw this.end(
          code,
          `${intakeFailureSummary(code)}: ${row?.failureReason ?? 'its intake ended without its bytes'}`,
        );
      }
      if (row.sha256 && row.sha512 && row.md5) this.digest = { sha256: row.sha256, sha512: row.sha512, md5: row.md5 };
      if (this.digest || (!holdsLastByte && Number(row.stagedBytes ?? 0) > slice.lastByte)) return;
      if (await intake.alive()) {
        intakeMissingSince = null;
      } else if (intakeMissingSince === null) {
        intakeMissingSince = Date.now();
      } else if (Date.now() - intakeMissingSince > timings.intakeGraceMs) {
        throw this.end(
          'upload_interrupted',
          'The API process receiving the upload stopped before the last byte; the image is pending: upload it again',
        );
      }
      // A missing intake is looked at again within its grace, whatever the re-read period.
      const wait = intakeMissingSince === null ? timings.rereadMs : Math.min(timings.rereadMs, timings.intakeGraceMs);
      await intake.signals.next(wait, signal);
    }
  }

  private end(code: string, message: string): PermanentJobError {
    const error = new PermanentJobError(code, message);
    this.receiving?.stop(error);
    return error;
  }

  /** Only an image the provider already held before any byte was sent is compared this early. */
  private unverified(what: string): never {
    throw new PermanentJobError(
      'upload_not_verified',
      `The provider's image was compared with the upload before its ${what} was known: it already held data`,
    );
  }
}
