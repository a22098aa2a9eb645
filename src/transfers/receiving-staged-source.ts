import { setTimeout as sleep } from 'node:timers/promises';
import type { Readable } from 'node:stream';
import { PermanentJobError } from '../jobs/job-handler';
import type { PrismaService } from '../persistence/prisma.service';
import type { ImageBytesSource } from '../provider-port/provider-writes';
import type { SegmentSlice } from '../staging/segmented-layout';
import type { IntakeLiveness } from './intake-liveness';
import type { StagedUploadBytes } from './staged-upload-bytes';

/** How often a push waiting for the next segment looks at the upload's row. */
const POLL_MS = 200;

export interface ReceivingUpload {
  id: string;
  sizeBytes: number;
  segmentBytes: number;
  /** The sha256 the image was registered with, which the intake checks the bytes against. */
  declaredSha256: string | null;
}

/**
 * The bytes of an upload that is still being received, for a push that
 * starts before the client has finished: each segment is read once the
 * intake has stored it, and the segment holding the last byte only once the
 * intake has verified every byte against the registration, so the provider
 * cannot complete an image from bytes the broker would refuse. The checksums
 * are known from then on; an adapter reads them after its last byte.
 *
 * When the intake refuses the bytes or its API process dies, the push is
 * ended through `stop` with a PermanentJobError that says why, and the
 * stream fails.
 */
export class ReceivingStagedSource implements ImageBytesSource {
  readonly sizeBytes: number;
  private digest: { sha256: string; sha512: string; md5: string } | null = null;

  constructor(
    private readonly prisma: PrismaService,
    private readonly liveness: IntakeLiveness,
    private readonly bytes: StagedUploadBytes,
    private readonly upload: ReceivingUpload,
    private readonly stop: (reason: PermanentJobError) => void,
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

  open(range?: { start: number; end: number }, signal?: AbortSignal): Promise<Readable> {
    return this.bytes.read(range, signal, (slice) => this.staged(slice, signal));
  }

  /** Waits until the slice may be read; the segment with the last byte waits for the verified digest. */
  private async staged(slice: SegmentSlice, signal?: AbortSignal): Promise<void> {
    let missedIntake = false;
    for (;;) {
      const row = await this.prisma.upload.findUnique({
        where: { id: this.upload.id },
        select: { state: true, stagedBytes: true, sha256: true, sha512: true, md5: true, failureReason: true },
      });
      if (!row || row.state === 'failed' || row.state === 'cancelled') {
        throw this.end(
          'upload_refused',
          `The upload was refused while it was received: ${row?.failureReason ?? 'its intake ended without its bytes'}`,
        );
      }
      if (row.sha256 && row.sha512 && row.md5) this.digest = { sha256: row.sha256, sha512: row.sha512, md5: row.md5 };
      const holdsLastByte = (slice.index + 1) * this.upload.segmentBytes >= this.sizeBytes;
      if (this.digest || (!holdsLastByte && Number(row.stagedBytes ?? 0) > slice.lastByte)) return;
      // Two looks in a row without the intake: one could fall between its last write and its end.
      if (await this.liveness.alive(this.upload.id)) {
        missedIntake = false;
      } else if (missedIntake) {
        throw this.end(
          'upload_interrupted',
          'The API process receiving the upload stopped before the last byte; the image is pending: upload it again',
        );
      } else {
        missedIntake = true;
      }
      await sleep(POLL_MS, undefined, { signal });
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
