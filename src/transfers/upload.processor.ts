import { Inject, Injectable, Logger } from '@nestjs/common';
import { CatalogueWriter } from '../catalogue/catalogue-writer.service';
import { CatalogueVersion } from '../coordination/coordination.module';
import { JobCancelledError, type JobContext, type JobHandler } from '../jobs/job-handler';
import type { JobPayloads } from '../jobs/job-types';
import { PrismaService } from '../persistence/prisma.service';
import type { NormalizedImage } from '../provider-port/normalized-image';
import { ProviderRegistry } from '../provider-port/provider-registry.service';
import { STAGING_STORAGE, type StagingStorage } from '../staging/staging-storage';
import { StagedPush } from './staged-push.service';
import { StagedUploadBytes } from './staged-upload-bytes';
import { DatabaseUploadCheckpoint } from './upload-checkpoint';

/** The upload job: the staged bytes of one upload, pushed to their image's provider. */
@Injectable()
export class UploadProcessor implements JobHandler<'upload'> {
  readonly type = 'upload' as const;
  private readonly logger = new Logger(UploadProcessor.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly registry: ProviderRegistry,
    private readonly version: CatalogueVersion,
    private readonly push: StagedPush,
    private readonly writer: CatalogueWriter,
    @Inject(STAGING_STORAGE) private readonly staging: StagingStorage,
  ) {}

  async run({ jobId, payload, signal, progress }: JobContext<'upload'>): Promise<Record<string, unknown>> {
    const image = await this.push.push({ jobId, uploadId: payload.uploadId, signal, progress, removeStaged: true });
    const row = await this.prisma.upload.findUnique({
      where: { id: payload.uploadId },
      select: { image: { select: { portalSync: true } } },
    });
    return {
      nativeId: image.nativeId,
      sizeBytes: image.sizeBytes,
      sha256: image.checksums.sha256,
      status: image.status,
      // pending: the bytes landed but the provider's portal sync failed (POST /v1/images/{id}/portal-sync).
      ...(row?.image.portalSync ? { portalSync: row.image.portalSync } : {}),
    };
  }

  /**
   * After a final failure or a cancellation: what the provider holds of the
   * upload is released (a provider may register the image again to do so, and
   * the row follows), the staged bytes removed, and the image goes back to
   * pending so the user can upload again (failed when the provider kept other
   * bytes than were sent).
   */
  async settleFailure(jobId: string, payload: JobPayloads['upload'], error: unknown): Promise<void> {
    const upload = await this.prisma.upload.findUnique({ where: { id: payload.uploadId }, include: { image: true } });
    if (!upload) return;
    const cancelled = error instanceof JobCancelledError;
    const replacement = await this.releaseAtProvider(jobId, upload.id, upload.image);
    const killed = (error as { code?: string }).code === 'checksum_mismatch';
    await this.prisma.$transaction(async (tx) => {
      await tx.upload.update({ where: { id: upload.id }, data: { state: cancelled ? 'cancelled' : 'failed' } });
      if (replacement) await this.writer.replaceRegistration(tx, upload.imageId, replacement);
      await tx.image.update({ where: { id: upload.imageId }, data: { status: killed ? 'failed' : 'pending' } });
    });
    await this.version.bump();
    await new StagedUploadBytes(this.staging, upload).deleteOrWarn((message) => this.logger.warn(message));
  }

  /** Best effort: a provider that cannot release the upload now keeps it until the image is deleted. */
  private async releaseAtProvider(
    jobId: string,
    uploadId: string,
    image: { id: string; providerName: string; nativeId: string },
  ): Promise<NormalizedImage | null> {
    try {
      const adapter = await this.registry.resolve(image.providerName);
      const checkpoint = new DatabaseUploadCheckpoint(this.prisma, jobId, uploadId);
      return (await adapter.abortUpload?.(image.nativeId, checkpoint)) ?? null;
    } catch (error) {
      this.logger.warn(
        `upload ${uploadId}: could not release it at provider '${image.providerName}' (image ${image.id}): ` +
          (error instanceof Error ? error.message : String(error)),
      );
      return null;
    }
  }
}
