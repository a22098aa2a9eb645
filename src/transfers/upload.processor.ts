import { Inject, Injectable } from '@nestjs/common';
import { CatalogueWriter } from '../catalogue/catalogue-writer.service';
import { CatalogueVersion } from '../coordination/coordination.module';
import { JobCancelledError, PermanentJobError, type JobContext, type JobHandler } from '../jobs/job-handler';
import type { JobPayloads } from '../jobs/job-types';
import { PrismaService } from '../persistence/prisma.service';
import { operation } from '../provider-port/provider.port';
import { ProviderRegistry } from '../provider-port/provider-registry.service';
import { STAGING_STORAGE, type StagingStorage } from '../staging/staging-storage';
import { ProgressReporter } from './progress-reporter';
import { StagedImageSource } from './staged-image-source';
import { DatabaseUploadCheckpoint } from './upload-checkpoint';

/**
 * The upload job: pushes staged bytes to the provider image with the
 * adapter's own upload flow, resuming from its checkpoint, then records the
 * image as the provider now describes it and removes the staged copy.
 */
@Injectable()
export class UploadProcessor implements JobHandler<'upload'> {
  readonly type = 'upload' as const;

  constructor(
    private readonly prisma: PrismaService,
    private readonly registry: ProviderRegistry,
    private readonly writer: CatalogueWriter,
    private readonly version: CatalogueVersion,
    @Inject(STAGING_STORAGE) private readonly staging: StagingStorage,
  ) {}

  async run({ jobId, payload, signal, progress }: JobContext<'upload'>): Promise<Record<string, unknown>> {
    const upload = await this.prisma.upload.findUnique({ where: { id: payload.uploadId }, include: { image: true } });
    if (!upload || upload.sizeBytes === null || !upload.sha256 || !upload.sha512 || !upload.md5) {
      throw new PermanentJobError('upload_not_staged', `Upload ${payload.uploadId} has no staged bytes`);
    }
    const image = upload.image;
    const adapter = await this.registry.resolve(image.providerName).catch(() => {
      throw new PermanentJobError('unknown_provider', `Provider connection '${image.providerName}' no longer exists`);
    });
    const push = operation(adapter, 'upload', 'uploadImage');
    const sizeBytes = Number(upload.sizeBytes);
    await this.prisma.$transaction([
      this.prisma.upload.update({ where: { id: upload.id }, data: { state: 'pushing', jobId } }),
      this.prisma.image.update({ where: { id: image.id }, data: { status: 'uploading' } }),
    ]);
    await progress(0, sizeBytes);
    const reporter = new ProgressReporter((done) => progress(done, sizeBytes));
    const source = new StagedImageSource(this.staging, upload.stagingKey, {
      sizeBytes,
      sha256: upload.sha256,
      sha512: upload.sha512,
      md5: upload.md5,
    });
    let pushed;
    try {
      pushed = await push(image.nativeId, source, {
        signal,
        progress: (done) => reporter.report(done),
        checkpoint: new DatabaseUploadCheckpoint(this.prisma, jobId, upload.id),
      });
    } finally {
      await reporter.close();
    }
    await progress(sizeBytes, sizeBytes);
    // The provider may not report sha256; the broker verified it on the way in.
    const verified = {
      ...pushed,
      checksums: { ...pushed.checksums, sha256: pushed.checksums.sha256 ?? upload.sha256 },
    };
    await this.writer.upsertBatch(adapter.name, adapter.kind, [verified], new Date());
    await this.prisma.upload.update({ where: { id: upload.id }, data: { state: 'completed' } });
    await this.version.bump();
    await this.staging.delete(upload.stagingKey).catch(() => undefined);
    return { imageId: image.id, nativeId: image.nativeId, sizeBytes, sha256: upload.sha256, status: verified.status };
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
