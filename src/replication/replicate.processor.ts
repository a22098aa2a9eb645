import { Injectable } from '@nestjs/common';
import { CatalogueWriter } from '../catalogue/catalogue-writer.service';
import { deterministicImageId } from '../catalogue/image-id';
import { CatalogueVersion } from '../platform/coordination/coordination.module';
import { PermanentJobError, type JobContext, type JobHandler } from '../jobs/job-handler';
import type { JobPayloads } from '../jobs/job-types';
import { JobService } from '../jobs/job.service';
import type { Image, ReplicationTarget } from '../platform/persistence/generated/client';
import { PrismaService } from '../platform/persistence/prisma.service';
import type { ImageKind } from '../providers/port/normalized-image';
import { operation, type ProviderAdapter } from '../providers/port/provider.port';
import { ProviderRegistry } from '../providers/port/provider-registry.service';
import type { ImageDigest } from '../uploads/image-digest.transform';
import { StagedPush } from '../uploads/staged-push.service';
import { UploadLifecycle, type SourceInStaging } from '../uploads/upload-lifecycle';
import { copyClientId } from './copy-client-id';
import { copySpec, readOverrides } from './copy-spec';
import { ReplicationSourceStager } from './replication-source.stager';
import { ReplicationStore } from './replication.store';

/**
 * One target of a replication: reuses an identical image already there
 * (same sha256), else reads the source (its upload's copy, when one staged
 * whole still exists, else the download the replication's targets share, checked
 * against the source's checksums), registers the copy at the target with what
 * that provider needs up front (size and sha256 for FPT) and pushes it with
 * the target's own upload flow, resuming from the checkpoint after a crash.
 */
@Injectable()
export class ReplicateProcessor implements JobHandler<'replicate'> {
  readonly type = 'replicate' as const;

  constructor(
    private readonly prisma: PrismaService,
    private readonly store: ReplicationStore,
    private readonly registry: ProviderRegistry,
    private readonly writer: CatalogueWriter,
    private readonly version: CatalogueVersion,
    private readonly push: StagedPush,
    private readonly uploads: UploadLifecycle,
    private readonly jobs: JobService,
    private readonly sources: ReplicationSourceStager,
  ) {}

  async run({ jobId, payload, signal, progress }: JobContext<'replicate'>): Promise<Record<string, unknown>> {
    const target = await this.store.findTargetWithSource(payload.targetId);
    if (!target)
      throw new PermanentJobError('replication_target_not_found', `Target ${payload.targetId} no longer exists`);
    const result = await this.copy(jobId, target, signal, progress);
    await this.sources.release(target.replicationId, target.id, jobId);
    return result;
  }

  /**
   * Failed for good or cancelled: the target no longer needs the shared source.
   * A run that will be retried, or is handed to another worker, keeps it.
   */
  async settleFailure(jobId: string, payload: JobPayloads['replicate']): Promise<void> {
    const target = await this.store.findTarget(payload.targetId);
    if (target) await this.sources.release(target.replicationId, target.id, jobId);
  }

  private async copy(
    jobId: string,
    target: ReplicationTarget & { replication: { sourceImage: Image } },
    signal: AbortSignal,
    progress: JobContext<'replicate'>['progress'],
  ): Promise<Record<string, unknown>> {
    const source = target.replication.sourceImage;
    const adapter = await this.registry.resolve(target.providerName).catch(() => {
      throw new PermanentJobError('unknown_provider', `Provider connection '${target.providerName}' no longer exists`);
    });

    const known = source.sha256 ? await this.identicalAt(target, source.sha256) : null;
    if (known) return this.reuse(target, known);

    // An earlier run of this job (killed, stalled, retried) whose staged bytes are still there resumes its push.
    const staged =
      (await this.earlierStaging(jobId, target)) ?? (await this.stageSource(source, target.replicationId, signal));
    const same = await this.identicalAt(target, staged.digest.sha256);
    if (same) return this.reuse(target, same);

    const copyId = target.imageId ?? (await this.register(adapter, target, source, staged.digest, jobId));
    const uploadId = await this.uploads.openCopy(jobId, copyId, staged);
    await this.jobs.setImage(jobId, copyId).catch(() => undefined);
    // Never this job's own bytes to remove: the source upload's copy, or the shared download its last target removes.
    const pushed = await this.push.push({ jobId, uploadId, signal, progress, removeStaged: false });
    return { imageId: copyId, nativeId: pushed.nativeId, sha256: staged.digest.sha256, reused: false };
  }

  /** What an earlier run of this job staged for this target's copy, when the bytes are still in staging. */
  private async earlierStaging(jobId: string, target: ReplicationTarget): Promise<SourceInStaging | null> {
    if (!target.imageId) return null;
    return this.uploads.stagedBytesOf({ jobId, imageId: target.imageId });
  }

  /** An active image at the target with the same bytes, if the catalogue knows one. */
  private identicalAt(target: ReplicationTarget, sha256: string): Promise<Image | null> {
    return this.prisma.image.findFirst({
      where: { providerName: target.providerName, region: target.region, sha256, status: 'active' },
    });
  }

  private async reuse(target: ReplicationTarget, image: Image): Promise<Record<string, unknown>> {
    // A retried target may find its own finished copy: that is not someone else's image.
    const reused = image.id !== target.imageId;
    await this.store.recordCopy(target.id, image.id, reused);
    return { imageId: image.id, nativeId: image.nativeId, sha256: image.sha256, reused };
  }

  /** The source's bytes in staging: its upload's copy staged whole when it still exists, else the targets' shared download. */
  private async stageSource(source: Image, replicationId: string, signal: AbortSignal): Promise<SourceInStaging> {
    return (
      (await this.uploads.stagedBytesOf({ imageId: source.id, wholeOnly: true })) ??
      this.sources.stage(replicationId, source, signal)
    );
  }

  /** Registers the copy at the target, remembering its id so a retry does not register twice. */
  private async register(
    adapter: ProviderAdapter,
    target: ReplicationTarget,
    source: Image,
    digest: ImageDigest,
    jobId: string,
  ): Promise<string> {
    const create = operation(adapter, 'create', 'createImage');
    const created = await create({
      ...copySpec(source, target.region, readOverrides(target.overrides), digest),
      clientId: copyClientId(target.id, jobId),
    });
    const image = {
      ...created,
      kind: (created.kind ?? 'custom') as ImageKind,
      sizeBytes: created.sizeBytes ?? digest.sizeBytes,
      checksums: { ...created.checksums, sha256: digest.sha256 },
    };
    await this.writer.upsertBatch(adapter.name, adapter.kind, [image], new Date());
    await this.version.bump();
    const id = deterministicImageId(adapter.name, image.region, image.nativeId);
    await this.store.recordCopy(target.id, id);
    return id;
  }
}
