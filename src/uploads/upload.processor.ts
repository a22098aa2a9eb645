import { Injectable, Logger } from '@nestjs/common';
import { CatalogueVersion } from '../platform/coordination/coordination.module';
import { JobCancelledError, type JobContext, type JobHandler } from '../jobs/job-handler';
import type { JobPayloads } from '../jobs/job-types';
import type { NormalizedImage } from '../providers/port/normalized-image';
import { ProviderRegistry } from '../providers/port/provider-registry.service';
import { StagedPush } from './staged-push.service';
import { UploadLifecycle } from './upload-lifecycle';

/** The upload job: the staged bytes of one upload, pushed to their image's provider. */
@Injectable()
export class UploadProcessor implements JobHandler<'upload'> {
  readonly type = 'upload' as const;
  private readonly logger = new Logger(UploadProcessor.name);

  constructor(
    private readonly uploads: UploadLifecycle,
    private readonly registry: ProviderRegistry,
    private readonly version: CatalogueVersion,
    private readonly push: StagedPush,
  ) {}

  /**
   * An upload pushed while it is received starts once its first segment is
   * staged: until then it would hold a worker slot (and a concurrency slot)
   * for a client that may send slowly, or nothing at all. An intake whose API
   * process died is let through, for the run to fail as interrupted.
   */
  async ready(payload: JobPayloads['upload']): Promise<boolean> {
    return this.uploads.readyToPush(payload.uploadId);
  }

  async run({ jobId, payload, signal, progress }: JobContext<'upload'>): Promise<Record<string, unknown>> {
    const image = await this.push.push({ jobId, uploadId: payload.uploadId, signal, progress, removeStaged: true });
    const row = await this.uploads.findWithImage(payload.uploadId);
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
   * bytes than were sent). An image deleted meanwhile stays deleted: the
   * catalogue said so (a sync, a DELETE), or the provider no longer knows it;
   * nothing is released for it, and it is never registered again.
   */
  async settleFailure(jobId: string, payload: JobPayloads['upload'], error: unknown): Promise<void> {
    const upload = await this.uploads.findWithImage(payload.uploadId);
    if (!upload) return;
    const cancelled = error instanceof JobCancelledError;
    const deleted = upload.image.status === 'deleted' || (await this.goneAtProvider(upload.image));
    const replacement = deleted ? null : await this.releaseAtProvider(jobId, upload.id, upload.image);
    const killed = (error as { code?: string }).code === 'checksum_mismatch';
    const imageStatus = deleted ? 'deleted' : killed ? 'failed' : 'pending';
    await this.uploads.endFailedPush(upload, { cancelled, imageStatus, replacement });
    await this.version.bump();
    await this.uploads.removeStagedAfterPush(upload);
  }

  /** Whether the provider says the image no longer exists; when it cannot be asked, it is taken to exist. */
  private async goneAtProvider(image: { providerName: string; nativeId: string; region: string }): Promise<boolean> {
    try {
      const adapter = await this.registry.resolve(image.providerName);
      return (await adapter.getImage(image.nativeId, image.region || undefined)) === null;
    } catch {
      return false;
    }
  }

  /** Best effort: a provider that cannot release the upload now keeps it until the image is deleted. */
  private async releaseAtProvider(
    jobId: string,
    uploadId: string,
    image: { id: string; providerName: string; nativeId: string },
  ): Promise<NormalizedImage | null> {
    try {
      const adapter = await this.registry.resolve(image.providerName);
      const checkpoint = this.uploads.checkpoint(jobId, uploadId);
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
