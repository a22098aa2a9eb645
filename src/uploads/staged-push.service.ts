import { BrokerMetrics } from '../platform/metrics/broker-metrics';
import { Injectable } from '@nestjs/common';
import { CatalogueWriter } from '../catalogue/catalogue-writer.service';
import { PortalSyncService } from '../catalogue/portal-sync.service';
import { CatalogueVersion } from '../platform/coordination/coordination.module';
import { PermanentJobError } from '../jobs/job-handler';
import type { NormalizedImage } from '../providers/port/normalized-image';
import { operation } from '../providers/port/provider.port';
import { ProviderRegistry } from '../providers/port/provider-registry.service';
import { ProgressReporter } from './progress-reporter';
import { UploadLifecycle } from './upload-lifecycle';

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
  constructor(
    private readonly uploads: UploadLifecycle,
    private readonly registry: ProviderRegistry,
    private readonly writer: CatalogueWriter,
    private readonly version: CatalogueVersion,
    private readonly metrics: BrokerMetrics,
    private readonly portalSync: PortalSyncService,
  ) {}

  async push({ jobId, uploadId, signal: jobSignal, progress, removeStaged }: PushRequest): Promise<NormalizedImage> {
    const upload = await this.uploads.findWithImage(uploadId);
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
    await this.uploads.beginPush(upload, jobId);
    await this.version.bump();
    await progress(0, sizeBytes);
    const reporter = new ProgressReporter((done) => progress(done, sizeBytes));
    const refusal = new AbortController();
    const signal = AbortSignal.any([jobSignal, refusal.signal]);
    const source = this.uploads.source(upload, (reason) => refusal.abort(reason));
    let pushed: NormalizedImage;
    // A resumed push reports progress from its checkpoint on: those bytes were counted by the run that sent them.
    let counted = await this.uploads.pushedBytes(upload.id);
    try {
      pushed = await upload$(image.nativeId, source, {
        signal,
        progress: (done) => {
          this.metrics.countTransfer('staging_to_provider', image.providerName, done - counted);
          counted = Math.max(counted, done);
          reporter.report(done);
        },
        checkpoint: this.uploads.checkpoint(jobId, upload.id),
      });
    } catch (error) {
      // The adapter reports the aborted request; why it was aborted is the job's error.
      throw refusal.signal.aborted ? (refusal.signal.reason as Error) : error;
    } finally {
      source.close();
      await reporter.close();
    }
    await progress(sizeBytes, sizeBytes);
    // The provider may not report sha256; the broker verified it on the way in.
    const verified = {
      ...pushed,
      checksums: { ...pushed.checksums, sha256: pushed.checksums.sha256 ?? source.sha256 },
    };
    await this.writer.upsertBatch(adapter.name, adapter.kind, [verified], new Date());
    await this.uploads.complete(upload.id);
    // The bytes have landed: a failed portal sync leaves the image active, with the sync pending on its row.
    await this.portalSync.afterUpload(image.id, adapter, verified.nativeId, jobSignal);
    await this.version.bump();
    if (removeStaged) await this.uploads.removeStaged(upload);
    return verified;
  }
}
