import { Inject, Injectable } from '@nestjs/common';
import { CatalogueVersion } from '../coordination/coordination.module';
import { JobCancelledError, type JobContext, type JobHandler } from '../jobs/job-handler';
import type { JobPayloads } from '../jobs/job-types';
import { PrismaService } from '../persistence/prisma.service';
import { ProviderRegistry } from '../provider-port/provider-registry.service';
import { STAGING_STORAGE, type StagingStorage } from '../staging/staging-storage';
import { StagedPush } from './staged-push.service';
import { DatabaseUploadCheckpoint } from './upload-checkpoint';

/** The upload job: the staged bytes of one upload, pushed to their image's provider. */
@Injectable()
export class UploadProcessor implements JobHandler<'upload'> {
  readonly type = 'upload' as const;

  constructor(
    private readonly prisma: PrismaService,
    private readonly registry: ProviderRegistry,
    private readonly version: CatalogueVersion,
    private readonly push: StagedPush,
    @Inject(STAGING_STORAGE) private readonly staging: StagingStorage,
  ) {}

  async run({ jobId, payload, signal, progress }: JobContext<'upload'>): Promise<Record<string, unknown>> {
    const image = await this.push.push({ jobId, uploadId: payload.uploadId, signal, progress, removeStaged: true });
    return {
      nativeId: image.nativeId,
      sizeBytes: image.sizeBytes,
      sha256: image.checksums.sha256,
      status: image.status,
    };
  }

  /**
   * After a final failure or a cancellation: what the provider holds of a
   * multipart upload is released, the staged bytes removed, and the image goes
   * back to pending so the user can upload again (failed when the provider
   * kept other bytes than were sent).
   */
  async settleFailure(jobId: string, payload: JobPayloads['upload'], error: unknown): Promise<void> {
    const upload = await this.prisma.upload.findUnique({ where: { id: payload.uploadId }, include: { image: true } });
    if (!upload) return;
    const cancelled = error instanceof JobCancelledError;
    const adapter = await this.registry.resolve(upload.image.providerName).catch(() => null);
    await adapter
      ?.abortUpload?.(upload.image.nativeId, new DatabaseUploadCheckpoint(this.prisma, jobId, upload.id))
      .catch(() => undefined);
    const killed = (error as { code?: string }).code === 'checksum_mismatch';
    await this.prisma.$transaction([
      this.prisma.upload.update({ where: { id: upload.id }, data: { state: cancelled ? 'cancelled' : 'failed' } }),
      this.prisma.image.update({ where: { id: upload.imageId }, data: { status: killed ? 'failed' : 'pending' } }),
    ]);
    await this.version.bump();
    await this.staging.delete(upload.stagingKey).catch(() => undefined);
  }
}
