import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { CatalogueWriter } from '../catalogue/catalogue-writer.service';
import { deterministicImageId } from '../catalogue/image-id';
import { CatalogueVersion } from '../coordination/coordination.module';
import { PermanentJobError, type JobContext, type JobHandler } from '../jobs/job-handler';
import type { Image, ReplicationTarget } from '../persistence/generated/client';
import { PrismaService } from '../persistence/prisma.service';
import type { ImageKind, ImageVisibility } from '../provider-port/normalized-image';
import { IntegrityError } from '../provider-port/provider.errors';
import { operation, type ProviderAdapter } from '../provider-port/provider.port';
import { ProviderRegistry } from '../provider-port/provider-registry.service';
import { STAGING_STORAGE, StagedSizeMismatchError, type StagingStorage } from '../staging/staging-storage';
import { BrokerMetrics } from '../metrics/broker-metrics';
import type { ImageDigest } from '../transfers/image-digest.transform';
import { stageDownload } from '../transfers/stage-download';
import { StagedPush } from '../transfers/staged-push.service';
import { copyClientId } from './copy-client-id';

interface StagedSource {
  key: string;
  digest: ImageDigest;
  /** Staged by this job for this target, so removed after the push; else the source upload's own copy. */
  own: boolean;
}

/**
 * One target of a replication: reuses an identical image already there
 * (same sha256), else reads the source once (its staged copy when it still
 * exists, else a download from the source provider, checked against the
 * source's checksums), registers the copy at the target with what that
 * provider needs up front (size and sha256 for FPT) and pushes it with the
 * target's own upload flow, resuming from the checkpoint after a crash.
 */
@Injectable()
export class ReplicateProcessor implements JobHandler<'replicate'> {
  readonly type = 'replicate' as const;

  constructor(
    private readonly prisma: PrismaService,
    private readonly registry: ProviderRegistry,
    private readonly writer: CatalogueWriter,
    private readonly version: CatalogueVersion,
    private readonly push: StagedPush,
    @Inject(STAGING_STORAGE) private readonly staging: StagingStorage,
    private readonly metrics: BrokerMetrics,
  ) {}

  async run({ jobId, payload, signal, progress }: JobContext<'replicate'>): Promise<Record<string, unknown>> {
    const target = await this.prisma.replicationTarget.findUnique({
      where: { id: payload.targetId },
      include: { replication: { include: { sourceImage: true } } },
    });
    if (!target)
      throw new PermanentJobError('replication_target_not_found', `Target ${payload.targetId} no longer exists`);
    const source = target.replication.sourceImage;
    const adapter = await this.registry.resolve(target.providerName).catch(() => {
      throw new PermanentJobError('unknown_provider', `Provider connection '${target.providerName}' no longer exists`);
    });

    const known = source.sha256 ? await this.identicalAt(target, source.sha256) : null;
    if (known) return this.reuse(target, known);

    // An earlier run of this job (killed, stalled, retried) whose staged bytes are still there resumes its push.
    const staged = (await this.earlierStaging(jobId, target)) ?? (await this.stageSource(source, jobId, signal));
    const same = await this.identicalAt(target, staged.digest.sha256);
    if (same) {
      if (staged.own) await this.staging.delete(staged.key).catch(() => undefined);
      return this.reuse(target, same);
    }

    const copyId = target.imageId ?? (await this.register(adapter, target, source, staged.digest, jobId));
    const uploadId = await this.uploadFor(jobId, copyId, staged);
    await this.prisma.job.update({ where: { id: jobId }, data: { imageId: copyId } }).catch(() => undefined);
    const pushed = await this.push.push({ jobId, uploadId, signal, progress, removeStaged: staged.own });
    return { imageId: copyId, nativeId: pushed.nativeId, sha256: staged.digest.sha256, reused: false };
  }

  /** What an earlier run of this job staged for this target's copy, when the bytes are still in staging. */
  private async earlierStaging(jobId: string, target: ReplicationTarget): Promise<StagedSource | null> {
    if (!target.imageId) return null;
    const earlier = await this.prisma.upload.findFirst({
      where: { jobId, imageId: target.imageId, state: { in: ['staged', 'pushing'] }, sha256: { not: null } },
      orderBy: { createdAt: 'desc' },
    });
    if (!earlier || earlier.sizeBytes === null || !earlier.sha512 || !earlier.md5) return null;
    if ((await this.staging.size(earlier.stagingKey).catch(() => null)) !== Number(earlier.sizeBytes)) return null;
    return {
      key: earlier.stagingKey,
      digest: {
        sizeBytes: Number(earlier.sizeBytes),
        sha256: earlier.sha256!,
        sha512: earlier.sha512,
        md5: earlier.md5,
      },
      own: earlier.stagingKey.startsWith(`replications/${jobId}/`),
    };
  }

  /**
   * The upload row this job pushes: the one an earlier run of the same job
   * left (killed, stalled or retried), so the parts it recorded are not sent
   * again; else a new one.
   */
  private async uploadFor(jobId: string, copyId: string, staged: StagedSource): Promise<string> {
    const earlier = await this.prisma.upload.findFirst({
      where: {
        jobId,
        imageId: copyId,
        stagingKey: staged.key,
        sha256: staged.digest.sha256,
        state: { in: ['staged', 'pushing'] },
      },
      orderBy: { createdAt: 'desc' },
    });
    if (earlier) return earlier.id;
    const uploadId = randomUUID();
    await this.prisma.upload.create({
      data: {
        id: uploadId,
        imageId: copyId,
        jobId,
        stagingKey: staged.key,
        state: 'staged',
        sizeBytes: BigInt(staged.digest.sizeBytes),
        sha256: staged.digest.sha256,
        sha512: staged.digest.sha512,
        md5: staged.digest.md5,
      },
    });
    return uploadId;
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
    await this.prisma.replicationTarget.update({ where: { id: target.id }, data: { imageId: image.id, reused } });
    return { imageId: image.id, nativeId: image.nativeId, sha256: image.sha256, reused };
  }

  /** The source's bytes in staging, read once: the upload's staged copy when it still exists, else a download. */
  private async stageSource(source: Image, jobId: string, signal: AbortSignal): Promise<StagedSource> {
    const uploads = await this.prisma.upload.findMany({
      where: { imageId: source.id, state: { in: ['staged', 'pushing', 'completed'] }, sha256: { not: null } },
      orderBy: { createdAt: 'desc' },
    });
    for (const upload of uploads) {
      if (upload.sizeBytes !== null && (await this.staging.size(upload.stagingKey)) === Number(upload.sizeBytes)) {
        const digest = {
          sizeBytes: Number(upload.sizeBytes),
          sha256: upload.sha256!,
          sha512: upload.sha512!,
          md5: upload.md5!,
        };
        return { key: upload.stagingKey, digest, own: false };
      }
    }
    const sourceAdapter = await this.registry.resolve(source.providerName);
    const download = operation(sourceAdapter, 'download', 'downloadImage');
    const file = await download(source.nativeId, null, signal);
    const key = `replications/${jobId}/${randomUUID()}`;
    const digest = await stageDownload(this.staging, key, file.stream, {
      signal,
      expectedSizeBytes: source.sizeBytes === null ? null : Number(source.sizeBytes),
      counted: (bytes) => this.metrics.countTransfer('provider_to_staging', source.providerName, bytes),
    }).catch((error: unknown) => {
      if (!(error instanceof StagedSizeMismatchError)) throw error;
      throw new IntegrityError(
        source.providerName,
        `the downloaded source differs from the catalogue in size (${error.message})`,
      );
    });
    // The size was held to the catalogue's by the staging itself.
    const mismatch = [
      source.md5 && source.md5 !== digest.md5 ? 'md5' : null,
      source.sha512 && source.sha512 !== digest.sha512 ? 'sha512' : null,
      source.sha256 && source.sha256 !== digest.sha256 ? 'sha256' : null,
    ].filter(Boolean);
    if (mismatch.length > 0) {
      await this.staging.delete(key).catch(() => undefined);
      throw new IntegrityError(
        source.providerName,
        `the downloaded source differs from the catalogue in ${mismatch.join(', ')}`,
      );
    }
    return { key, digest, own: true };
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
      name: source.name ?? `replica-of-${source.id}`,
      region: target.region,
      diskFormat: source.diskFormat,
      containerFormat: source.containerFormat,
      visibility: 'private' as ImageVisibility,
      minDiskGiB: source.minDiskGiB,
      minRamMiB: source.minRamMiB,
      protected: null,
      tags: source.tags,
      properties: { replicated_from: source.id },
      os: {
        type: source.osType,
        distro: source.osDistro,
        version: source.osVersion,
        architecture: source.architecture,
      },
      sizeBytes: digest.sizeBytes,
      sha256: digest.sha256,
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
    await this.prisma.replicationTarget.update({ where: { id: target.id }, data: { imageId: id } });
    return id;
  }
}
