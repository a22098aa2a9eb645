import { BrokerMetrics } from '../platform/metrics/broker-metrics';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { CatalogueWriter } from '../catalogue/catalogue-writer.service';
import { PortalSyncService } from '../catalogue/portal-sync.service';
import { CatalogueVersion } from '../platform/coordination/coordination.module';
import { PermanentJobError } from '../jobs/job-handler';
import { PrismaService } from '../platform/persistence/prisma.service';
import type { NormalizedImage } from '../providers/port/normalized-image';
import { operation } from '../providers/port/provider.port';
import { ProviderRegistry } from '../providers/port/provider-registry.service';
import { STAGING_STORAGE, type StagingStorage } from '../platform/staging/staging-storage';
import { ProgressReporter } from './progress-reporter';
import { IntakeLiveness } from './intake-liveness';
import { ReceivingStagedSource } from './receiving-staged-source';
import { StagedImageSource } from './staged-image-source';
import { StagedUploadBytes } from './staged-upload-bytes';
import { DatabaseUploadCheckpoint } from './upload-checkpoint';

export interface PushRequest {
  jobId: string;
  uploadId: string;
  signal: AbortSignal;
  progress(bytesDone: number, bytesTotal: number | null): Promise<void>;
  /** False when other pushes still read the same staged object (a replication's shared source). */
  removeStaged: boolean;
}

/**
 * Pushes a staged upload to its image's provider with the adapter's own
 * upload flow, resuming from the job's checkpoint, records the image as the
 * provider now describes it, and removes the staged copy. Shared by the
 * upload and the replication jobs.
 */
@Injectable()
export class StagedPush {
  private readonly logger = new Logger(StagedPush.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly registry: ProviderRegistry,
    private readonly writer: CatalogueWriter,
    private readonly version: CatalogueVersion,
    @Inject(STAGING_STORAGE) private readonly staging: StagingStorage,
    private readonly metrics: BrokerMetrics,
    private readonly liveness: IntakeLiveness,
    private readonly portalSync: PortalSyncService,
  ) {}

  async push({ jobId, uploadId, signal: jobSignal, progress, removeStaged }: PushRequest): Promise<NormalizedImage> {
    const upload = await this.prisma.upload.findUnique({ where: { id: uploadId }, include: { image: true } });
    // A PUT of known size is pushed while it is received: its checksums come with its last segment.
    const receiving = upload?.segmentBytes != null && !upload.sha512;
    if (!upload || upload.sizeBytes === null || (!receiving && (!upload.sha256 || !upload.sha512 || !upload.md5))) {
      throw new PermanentJobError('upload_not_staged', `Upload ${uploadId} has no staged bytes`);
    }
    const image = upload.image;
    const adapter = await this.registry.resolve(image.providerName).catch(() => {
      throw new PermanentJobError('unknown_provider', `Provider connection '${image.providerName}' no longer exists`);
    });
    const upload$ = operation(adapter, 'upload', 'uploadImage');
    const sizeBytes = Number(upload.sizeBytes);
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
          `Upload ${uploadId} is ${ended?.state ?? 'gone'}: ${ended?.failureReason ?? 'it ended before its push'}`,
        );
      }
      // An image deleted meanwhile (a sync saw it gone, or a DELETE) is not brought back by a resumed run.
      const marked = await tx.image.updateMany({
        where: { id: image.id, OR: [{ status: null }, { status: { not: 'deleted' } }] },
        data: { status: 'uploading' },
      });
      if (marked.count === 0) {
        throw new PermanentJobError('image_deleted', `Image ${image.id} was deleted while its upload ran`);
      }
    });
    await this.version.bump();
    await progress(0, sizeBytes);
    const reporter = new ProgressReporter((done) => progress(done, sizeBytes));
    const bytes = new StagedUploadBytes(this.staging, upload);
    const refusal = new AbortController();
    const signal = AbortSignal.any([jobSignal, refusal.signal]);
    const source = receiving
      ? new ReceivingStagedSource(
          this.prisma,
          this.liveness,
          bytes,
          { id: upload.id, sizeBytes, segmentBytes: upload.segmentBytes!, declaredSha256: image.sha256 },
          (reason) => refusal.abort(reason),
        )
      : new StagedImageSource(bytes, { sizeBytes, sha256: upload.sha256!, sha512: upload.sha512!, md5: upload.md5! });
    let pushed: NormalizedImage;
    // A resumed push reports progress from its checkpoint on: those bytes were counted by the run that sent them.
    let counted = await this.checkpointedBytes(upload.id);
    try {
      pushed = await upload$(image.nativeId, source, {
        signal,
        progress: (done) => {
          this.metrics.countTransfer('staging_to_provider', image.providerName, done - counted);
          counted = Math.max(counted, done);
          reporter.report(done);
        },
        checkpoint: new DatabaseUploadCheckpoint(this.prisma, jobId, upload.id),
      });
    } catch (error) {
      // The adapter reports the aborted request; why it was aborted is the job's error.
      throw refusal.signal.aborted ? (refusal.signal.reason as Error) : error;
    } finally {
      await reporter.close();
    }
    await progress(sizeBytes, sizeBytes);
    // The provider may not report sha256; the broker verified it on the way in.
    const verified = {
      ...pushed,
      checksums: { ...pushed.checksums, sha256: pushed.checksums.sha256 ?? source.sha256 },
    };
    await this.writer.upsertBatch(adapter.name, adapter.kind, [verified], new Date());
    await this.prisma.upload.update({ where: { id: upload.id }, data: { state: 'completed' } });
    // The bytes have landed: a failed portal sync leaves the image active, with the sync pending on its row.
    await this.portalSync.afterUpload(image.id, adapter, verified.nativeId, jobSignal);
    await this.version.bump();
    if (removeStaged) await bytes.deleteOrWarn((message) => this.logger.warn(message));
    return verified;
  }

  private async checkpointedBytes(uploadId: string): Promise<number> {
    const parts = await this.prisma.uploadPart.aggregate({ where: { uploadId }, _sum: { sizeBytes: true } });
    return Number(parts._sum.sizeBytes ?? 0);
  }
}
