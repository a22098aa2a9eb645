import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { CatalogueWriter } from '../catalogue/catalogue-writer.service';
import { PermanentJobError } from '../jobs/job-handler';
import { JobService } from '../jobs/job.service';
import { ConflictError } from '../platform/errors/app.errors';
import type { Image, Job, Upload } from '../platform/persistence/generated/client';
import { PrismaService } from '../platform/persistence/prisma.service';
import { STAGING_STORAGE, type StagingStorage } from '../platform/staging/staging-storage';
import type { NormalizedImage } from '../providers/port/normalized-image';
import type { UploadCheckpoint } from '../providers/port/provider-writes';
import type { ImageDigest } from './image-digest.transform';
import { intakeFailureSummary, type IntakeFailureCode } from './intake-failure';
import { IntakeLiveness } from './intake-liveness';
import { StagedUploadSource, type FollowTimings, type IntakeProgress, type StagedLayout } from './staged-upload-source';
import { DatabaseUploadCheckpoint } from './upload-checkpoint';
import { UploadSignals, type UploadSignalWatch } from './upload-signals';

/** An image's verified bytes already in staging, that a copy is pushed from (a replication's source). */
export interface SourceInStaging {
  key: string;
  digest: ImageDigest;
}

/** How an upload's push ended when it did not succeed, as its settle decided. */
export interface FailedPush {
  cancelled: boolean;
  imageStatus: 'deleted' | 'failed' | 'pending';
  /** The provider registered the image again to release the upload: the row follows. */
  replacement: NormalizedImage | null;
}

const PROGRESS_FIELDS = {
  state: true,
  stagedBytes: true,
  sha256: true,
  sha512: true,
  md5: true,
  failureReason: true,
  failureCode: true,
} as const;

/**
 * The one owner of an upload: its `uploads` and `upload_parts` rows, its
 * staging keys, its upload job's creation and early failure, the image status
 * moves its push makes, its refusal and its clean-up. The intake (API), the
 * import and the upload processors and replication ask it; none of them
 * writes those rows or removes those keys. Every write the push that follows
 * an intake waits for is signalled (UploadSignals), so the push reads the row
 * when it changed rather than polling it.
 */
@Injectable()
export class UploadLifecycle {
  private readonly logger = new Logger(UploadLifecycle.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly jobs: JobService,
    @Inject(STAGING_STORAGE) private readonly staging: StagingStorage,
    private readonly signals: UploadSignals,
    private readonly liveness: IntakeLiveness,
    private readonly writer: CatalogueWriter,
  ) {}

  // Opening: each kind of upload has its row and its staging key.

  /** Bytes staged as one object (a PUT of unknown size, an import). */
  openWhole(imageId: string): Promise<Upload> {
    const id = randomUUID();
    return this.prisma.upload.create({ data: { id, imageId, stagingKey: stagingKeyOf(imageId, id) } });
  }

  /** A PUT of known size, staged as segments that its push follows. */
  openSegmented(imageId: string, sizeBytes: number, segmentBytes: number): Promise<Upload> {
    const id = randomUUID();
    return this.prisma.upload.create({
      data: {
        id,
        imageId,
        stagingKey: stagingKeyOf(imageId, id),
        segmentBytes,
        sizeBytes: BigInt(sizeBytes),
        stagedBytes: 0n,
      },
    });
  }

  /** A direct upload session: the client PUTs parts of a multipart upload in the staging bucket. */
  async openSession(imageId: string, sizeBytes: number, partSizeBytes: number): Promise<Upload> {
    const id = randomUUID();
    const stagingKey = stagingKeyOf(imageId, id);
    const multipartUploadId = await this.staging.createMultipart(stagingKey);
    return this.prisma.upload.create({
      data: { id, imageId, stagingKey, multipartUploadId, sizeBytes: BigInt(sizeBytes), partSizeBytes },
    });
  }

  /**
   * The upload a replication job pushes a copy from, over bytes already
   * staged: the one an earlier run of the same job left (killed, stalled or
   * retried), so the parts it recorded are not sent again; else a new one.
   */
  async openCopy(jobId: string, imageId: string, staged: SourceInStaging): Promise<string> {
    const earlier = await this.prisma.upload.findFirst({
      where: {
        jobId,
        imageId,
        stagingKey: staged.key,
        sha256: staged.digest.sha256,
        state: { in: ['staged', 'pushing'] },
      },
      orderBy: { createdAt: 'desc' },
    });
    if (earlier) return earlier.id;
    const id = randomUUID();
    await this.prisma.upload.create({
      data: {
        id,
        imageId,
        jobId,
        stagingKey: staged.key,
        state: 'staged',
        sizeBytes: BigInt(staged.digest.sizeBytes),
        sha256: staged.digest.sha256,
        sha512: staged.digest.sha512,
        md5: staged.digest.md5,
      },
    });
    return id;
  }

  // Reading.

  find(uploadId: string): Promise<Upload | null> {
    return this.prisma.upload.findUnique({ where: { id: uploadId } });
  }

  /** An image's direct upload sessions still receiving parts, newest first. */
  openSessionsOf(imageId: string): Promise<Upload[]> {
    return this.prisma.upload.findMany({
      where: { imageId, state: 'receiving', multipartUploadId: { not: null } },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: OPEN_SESSIONS_LISTED,
    });
  }

  findWithImage(uploadId: string): Promise<(Upload & { image: Image }) | null> {
    return this.prisma.upload.findUnique({ where: { id: uploadId }, include: { image: true } });
  }

  /**
   * What an earlier run of job `jobId` staged and verified for image `imageId`,
   * or else the newest upload of the image staged whole (`wholeOnly`), whose
   * bytes are all still in staging.
   */
  async stagedBytesOf(where: { jobId: string; imageId: string } | { imageId: string; wholeOnly: true }) {
    const uploads = await this.prisma.upload.findMany({
      where:
        'jobId' in where
          ? { jobId: where.jobId, imageId: where.imageId, state: { in: ['staged', 'pushing'] }, sha256: { not: null } }
          : // A PUT's segments go with its own push, which may end any moment: only an object staged whole is borrowed.
            {
              imageId: where.imageId,
              state: { in: ['staged', 'pushing', 'completed'] },
              sha256: { not: null },
              segmentBytes: null,
            },
      orderBy: { createdAt: 'desc' },
      take: 'jobId' in where ? 1 : undefined,
    });
    for (const upload of uploads) {
      // A copy made by a replication pushed from that replication's shared source, which its last target removes.
      if (!('jobId' in where) && upload.stagingKey.startsWith('replications/')) continue;
      if (upload.sizeBytes === null || !upload.sha512 || !upload.md5) continue;
      // An earlier run's bytes that cannot be measured are not resumed from; a source's failure is the job's.
      const measured = this.staging.size(upload.stagingKey);
      const size = 'jobId' in where ? await measured.catch(() => null) : await measured;
      if (size !== Number(upload.sizeBytes)) continue;
      return {
        key: upload.stagingKey,
        digest: { sizeBytes: size, sha256: upload.sha256!, sha512: upload.sha512, md5: upload.md5 },
      } satisfies SourceInStaging;
    }
    return null;
  }

  // The intake's progress, each write signalled to the push that follows it.

  /**
   * Records bytes staged (or the verified checksums) while the upload is
   * received, unless it has ended meanwhile; with the upload job as it is now,
   * for the intake to stop when the job has ended.
   */
  async recordReceived(
    uploadId: string,
    jobId: string,
    received: { stagedBytes: number } | Omit<ImageDigest, 'sizeBytes'>,
  ): Promise<{ recorded: boolean; job: Job | null }> {
    const data =
      'stagedBytes' in received
        ? { stagedBytes: BigInt(received.stagedBytes) }
        : { sha256: received.sha256, sha512: received.sha512, md5: received.md5 };
    const { count } = await this.prisma.upload.updateMany({
      where: { id: uploadId, state: { in: ['receiving', 'pushing'] } },
      data,
    });
    if (count > 0) await this.signals.publish(uploadId, 'sha256' in received ? 'ended' : 'staged');
    const job = await this.jobs.find(jobId);
    // A push held back until bytes are staged (readyToPush) starts now, not at its next look.
    if (count > 0 && job) await this.jobs.wake(job);
    return { recorded: count > 0, job };
  }

  /**
   * Staged bytes that passed their checks: recorded on the upload and handed
   * to an upload job. A second push of the same image while one is live is
   * refused, and the new staged copy removed.
   */
  async queuePush(image: Image, upload: Pick<Upload, 'id' | 'stagingKey'>, digest: ImageDigest): Promise<Job> {
    await this.prisma.upload.update({
      where: { id: upload.id },
      data: {
        state: 'staged',
        sizeBytes: BigInt(digest.sizeBytes),
        sha256: digest.sha256,
        sha512: digest.sha512,
        md5: digest.md5,
      },
    });
    const { job, deduplicated } = await this.createJob(image, upload.id);
    if (deduplicated) {
      await this.discard(upload);
      throw alreadyUploading(image.id, job.id);
    }
    return job;
  }

  /** The upload job for bytes still to arrive, queued before the first of them; a 409 when the image has one live. */
  async queueFollowingPush(image: Image, uploadId: string): Promise<Job> {
    const { job, deduplicated } = await this.createJob(image, uploadId);
    if (deduplicated) throw alreadyUploading(image.id, job.id);
    return job;
  }

  /**
   * Ends the push of refused bytes before the client hears of it: a job that
   * never started is failed here; one that has run sees the upload failed at
   * its signal, stops and settles (the image back to pending), which is
   * awaited within `settleWaitMs`, so the client may upload again at once.
   * `code` is the job's error: upload_refused for bytes that failed a check,
   * upload_interrupted for a client that went away or went silent.
   */
  async refuse(
    upload: StagedLayout & { id: string; imageId: string },
    jobId: string | null,
    reason: string,
    code: IntakeFailureCode,
    settleWaitMs: number,
  ): Promise<void> {
    const watch = this.signals.watch(upload.id);
    try {
      await this.prisma.upload.updateMany({
        where: { id: upload.id, state: { in: ['receiving', 'staged', 'pushing'] } },
        data: { state: 'failed', failureReason: reason, failureCode: code },
      });
      await this.signals.publish(upload.id, 'ended');
      if (jobId && !(await this.jobs.failUnstarted(jobId, code, `${intakeFailureSummary(code)}: ${reason}`))) {
        await this.settled(jobId, upload.imageId, watch, settleWaitMs);
      }
    } finally {
      watch.close();
    }
    await this.removeStaged(upload);
  }

  /** Bytes that failed before any push: removed, and the upload failed. */
  async discard(upload: Pick<Upload, 'id' | 'stagingKey'>): Promise<void> {
    await this.removeStaged({ stagingKey: upload.stagingKey, segmentBytes: null, sizeBytes: null });
    await this.prisma.upload.update({ where: { id: upload.id }, data: { state: 'failed' } }).catch(() => undefined);
  }

  // The push (worker).

  /**
   * Whether an upload pushed while it is received may start: once its first
   * segment is staged, or its intake's API process has died (for the run to
   * fail as interrupted). Anything else may start at once.
   */
  async readyToPush(uploadId: string): Promise<boolean> {
    const upload = await this.prisma.upload.findUnique({
      where: { id: uploadId },
      select: { id: true, state: true, segmentBytes: true, stagedBytes: true, sha512: true },
    });
    if (!upload || upload.segmentBytes === null || upload.state !== 'receiving') return true;
    if (upload.sha512 !== null || Number(upload.stagedBytes ?? 0) > 0) return true;
    return !(await this.liveness.alive(upload.id));
  }

  /**
   * Marks the upload pushing by `jobId` and its image uploading, or throws
   * why it may not be pushed: its intake failed, or its image was deleted.
   */
  async beginPush(upload: Upload & { image: Image }, jobId: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      // A completed upload is pushed again only by a run whose worker died before recording it: the adapter finds it done.
      const { count } = await tx.upload.updateMany({
        where: { id: upload.id, state: { in: ['receiving', 'staged', 'pushing', 'completed'] } },
        data: { state: 'pushing', jobId },
      });
      if (count === 0) {
        const ended = await tx.upload.findUnique({ where: { id: upload.id } });
        // An intake that failed before this run began says why: a client gone is interrupted, not refused.
        throw new PermanentJobError(
          ended?.failureCode === 'upload_interrupted' ? 'upload_interrupted' : 'upload_refused',
          `Upload ${upload.id} is ${ended?.state ?? 'gone'}: ${ended?.failureReason ?? 'it ended before its push'}`,
        );
      }
      // An image deleted meanwhile (a sync saw it gone, or a DELETE) is not brought back by a resumed run.
      const marked = await tx.image.updateMany({
        where: { id: upload.image.id, OR: [{ status: null }, { status: { not: 'deleted' } }] },
        data: { status: 'uploading' },
      });
      if (marked.count === 0) {
        throw new PermanentJobError('image_deleted', `Image ${upload.image.id} was deleted while its upload ran`);
      }
    });
  }

  /**
   * The upload's bytes for the adapter: followed as the intake stages them
   * when it is still being received, else as staged. `stop` ends the push
   * when the intake refuses them or dies.
   */
  source(
    upload: Upload & { image: Image },
    stop: (reason: PermanentJobError) => void,
    timings?: FollowTimings,
  ): StagedUploadSource {
    if (upload.segmentBytes !== null && !upload.sha512) {
      const intake = {
        declaredSha256: upload.image.sha256,
        progress: (): Promise<IntakeProgress | null> =>
          this.prisma.upload.findUnique({ where: { id: upload.id }, select: PROGRESS_FIELDS }),
        signals: this.signals.watch(upload.id),
        alive: () => this.liveness.alive(upload.id),
      };
      return new StagedUploadSource(this.staging, upload, null, { intake, stop, timings });
    }
    return new StagedUploadSource(this.staging, upload, {
      sha256: upload.sha256!,
      sha512: upload.sha512!,
      md5: upload.md5!,
    });
  }

  /** Where a push resumes from: the adapter's state on the job, the parts the provider accepted on the upload. */
  checkpoint(jobId: string, uploadId: string): UploadCheckpoint {
    return new DatabaseUploadCheckpoint(this.prisma, this.jobs, jobId, uploadId);
  }

  /** The bytes of the parts the provider already accepted (a resumed push does not count them again). */
  async pushedBytes(uploadId: string): Promise<number> {
    const parts = await this.prisma.uploadPart.aggregate({ where: { uploadId }, _sum: { sizeBytes: true } });
    return Number(parts._sum.sizeBytes ?? 0);
  }

  async complete(uploadId: string): Promise<void> {
    await this.prisma.upload.update({ where: { id: uploadId }, data: { state: 'completed' } });
  }

  /**
   * After a final failure or a cancellation: the upload ends, the image row
   * follows the provider (`replacement`) and goes to its status, and an
   * intake waiting for the settle is told.
   */
  async endFailedPush(upload: Pick<Upload, 'id' | 'imageId'>, how: FailedPush): Promise<void> {
    const status = how.imageStatus;
    await this.prisma.$transaction(async (tx) => {
      await tx.upload.update({ where: { id: upload.id }, data: { state: how.cancelled ? 'cancelled' : 'failed' } });
      if (how.replacement) await this.writer.replaceRegistration(tx, upload.imageId, how.replacement);
      // Conditional: a sync or a DELETE may mark the image deleted while this settles.
      await tx.image.updateMany({
        where: { id: upload.imageId, OR: [{ status: null }, { status: { not: 'deleted' } }] },
        data: status === 'deleted' ? { status, nativeStatus: 'deleted' } : { status },
      });
    });
    await this.signals.publish(upload.id, 'ended');
  }

  /**
   * Removes the staged bytes of a push that has ended, unless an intake still
   * receiving owns them: it is writing a segment now, and it removes them all
   * itself once it learns the upload failed (refuse). Removing them here
   * raced that write (s3rver then lost the segment's folder mid-PUT).
   */
  async removeStagedAfterPush(upload: StagedLayout & { id: string }): Promise<void> {
    if (await this.liveness.alive(upload.id).catch(() => false)) return;
    await this.removeStaged(upload);
  }

  /** Removes what is staged, reporting a failure instead of throwing it: the bucket's lifecycle rule takes what stays. */
  async removeStaged(layout: StagedLayout): Promise<void> {
    const removal =
      layout.segmentBytes === null
        ? this.staging.delete(layout.stagingKey)
        : this.staging.deletePrefix(`${layout.stagingKey}/`);
    await removal.catch((error: unknown) => {
      this.logger.warn(
        `could not remove staged ${layout.stagingKey}: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
  }

  private createJob(image: Image, uploadId: string): Promise<{ job: Job; deduplicated: boolean }> {
    return this.jobs.create(
      'upload',
      { uploadId },
      { providerName: image.providerName, imageId: image.id, dedupeKey: `upload:${image.id}` },
    );
  }

  /** Waits for the worker's settle of a refused upload (its 'ended' signal), re-reading now and then. */
  private async settled(jobId: string, imageId: string, watch: UploadSignalWatch, waitMs: number): Promise<void> {
    const deadline = Date.now() + waitMs;
    while (Date.now() < deadline) {
      const job = await this.jobs.find(jobId);
      const image = await this.prisma.image.findUnique({ where: { id: imageId }, select: { status: true } });
      if (!job || (!LIVE_JOB_STATES.has(job.state) && image?.status !== 'uploading')) return;
      await watch.next(Math.min(SETTLE_REREAD_MS, Math.max(1, deadline - Date.now())));
    }
    this.logger.warn(`upload job ${jobId} had not settled ${waitMs} ms after its bytes were refused`);
  }
}

const LIVE_JOB_STATES = new Set(['queued', 'running']);
/** At most this many open sessions of one image are listed (each is a ListParts call). */
const OPEN_SESSIONS_LISTED = 100;
/** How often a refusal waiting for the settle reads again without a signal. */
const SETTLE_REREAD_MS = 1_000;

function stagingKeyOf(imageId: string, uploadId: string): string {
  return `uploads/${imageId}/${uploadId}`;
}

function alreadyUploading(imageId: string, jobId: string): ConflictError {
  return new ConflictError(`Image '${imageId}' is already being uploaded by job ${jobId}`);
}
