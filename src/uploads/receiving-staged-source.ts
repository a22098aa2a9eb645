import { setTimeout as sleep } from 'node:timers/promises';
import type { Readable } from 'node:stream';
import { PermanentJobError } from '../jobs/job-handler';
import type { PrismaClient } from '../platform/persistence/generated/client';
import type { ImageBytesSource } from '../providers/port/provider-writes';
import type { SegmentSlice } from '../platform/staging/segmented-layout';
import type { IntakeLiveness } from './intake-liveness';
import { intakeFailureSummary } from './intake-failure';
import type { StagedUploadBytes } from './staged-upload-bytes';

export interface ReceivingUpload {
  id: string;
  sizeBytes: number;
  segmentBytes: number;
  /** The sha256 the image was registered with, which the intake checks the bytes against. */
  declaredSha256: string | null;
}

export interface ReceivingTimings {
  /** How often a push waiting for a segment looks at the upload's row. */
  pollMs: number;
  /**
   * How long the intake's mark may stay missing before the push gives up:
   * longer than its renewal period, so a Redis that lost its keys (a restart)
   * does not end a live intake.
   */
  intakeGraceMs: number;
}

const RECEIVING_TIMINGS: ReceivingTimings = { pollMs: 200, intakeGraceMs: 12_000 };

/** The slice an empty object is read as: it is the last segment, so it waits for the verified digest. */
const EMPTY: SegmentSlice = { index: 0, start: 0, end: -1, lastByte: -1 };

/**
 * The bytes of an upload that is still being received, for a push that
 * starts before the client has finished: each segment is read once the
 * intake has stored it, and the segment holding the last byte only once the
 * intake has verified every byte against the registration, so the provider
 * cannot complete an image from bytes the broker would refuse. The checksums
 * are known from then on; an adapter reads them after its last byte.
 *
 * A range (an FPT part) is opened only once all of it is staged, and the
 * whole image once its first segment is: a provider's connection then never
 * waits mid-body for the client, except a whole-image PUT (Glance) at each
 * segment the client has not sent yet.
 *
 * When the intake refuses the bytes or its API process dies, the push is
 * ended through `stop` with a PermanentJobError that says why, and the read
 * fails.
 */
export class ReceivingStagedSource implements ImageBytesSource {
  readonly sizeBytes: number;
  private digest: { sha256: string; sha512: string; md5: string } | null = null;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly liveness: IntakeLiveness,
    private readonly bytes: StagedUploadBytes,
    private readonly upload: ReceivingUpload,
    private readonly stop: (reason: PermanentJobError) => void,
    private readonly timings: ReceivingTimings = RECEIVING_TIMINGS,
  ) {
    this.sizeBytes = upload.sizeBytes;
  }

  get sha256(): string {
    return this.digest?.sha256 ?? this.upload.declaredSha256 ?? this.unverified('sha256');
  }

  get sha512(): string {
    return this.digest?.sha512 ?? this.unverified('sha512');
  }

  get md5(): string {
    return this.digest?.md5 ?? this.unverified('md5');
  }

  async open(range?: { start: number; end: number }, signal?: AbortSignal): Promise<Readable> {
    const slices = this.bytes.slices(range);
    if (range !== undefined) {
      for (const slice of slices) await this.staged(slice, signal);
      return this.bytes.read(range, signal);
    }
    await this.staged(slices[0] ?? EMPTY, signal);
    return this.bytes.read(undefined, signal, (slice) => this.staged(slice, signal));
  }

  /** Waits until the slice may be read; the segment with the last byte waits for the verified digest. */
  private async staged(slice: SegmentSlice, signal?: AbortSignal): Promise<void> {
    // Verified means every segment is staged: nothing to look up any more.
    if (this.digest) return;
    const holdsLastByte = (slice.index + 1) * this.upload.segmentBytes >= this.sizeBytes;
    let intakeMissingSince: number | null = null;
    for (;;) {
      const row = await this.prisma.upload.findUnique({
        where: { id: this.upload.id },
        select: {
          state: true,
          stagedBytes: true,
          sha256: true,
          sha512: true,
          md5: true,
          failureReason: true,
          failureCode: true,
        },
      });
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
      if (await this.liveness.alive(this.upload.id)) {
        intakeMissingSince = null;
      } else if (intakeMissingSince === null) {
        intakeMissingSince = Date.now();
      } else if (Date.now() - intakeMissingSince > this.timings.intakeGraceMs) {
        throw this.end(
          'upload_interrupted',
          'The API process receiving the upload stopped before the last byte; the image is pending: upload it again',
        );
      }
      await sleep(this.timings.pollMs, undefined, { signal });
    }
  }

  private end(code: string, message: string): PermanentJobError {
    const error = new PermanentJobError(code, message);
    this.stop(error);
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
