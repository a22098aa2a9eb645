import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppConfig } from '../platform/config/app-config';
import { LEASES, type LeaseFactory } from '../platform/coordination/lease';
import { BrokerMetrics } from '../platform/metrics/broker-metrics';
import type { Image, Replication } from '../platform/persistence/generated/client';
import { IntegrityError } from '../platform/errors/provider.errors';
import { operation } from '../providers/port/provider.port';
import { ProviderRegistry } from '../providers/port/provider-registry.service';
import { STAGING_STORAGE, StagedSizeMismatchError, type StagingStorage } from '../platform/staging/staging-storage';
import { stageDownload } from '../uploads/stage-download';
import type { SourceInStaging } from '../uploads/upload-lifecycle';
import { ReplicationStore } from './replication.store';

/** How long a download's lease lasts without renewal: a dead worker's download is taken over after this. */
const LEASE_MS = 15_000;
/** How often a target waiting for another's download looks again. */
const WAIT_MS = 500;

/**
 * A replication's source, read from its cloud once for all its targets rather
 * than once per target: a copy to three clouds costs the source cloud's egress
 * for one image, not three. The first target to need it downloads it to
 * `replications/{id}/{download}` under a lease in Redis, renewed while it runs, so
 * a worker that dies mid-download is taken over once its lease runs out; the
 * others wait and then read the same bytes; a source that fails its check
 * fails them too, without another download. The last target whose job ends
 * removes it; a target retried after that downloads it again.
 */
@Injectable()
export class ReplicationSourceStager {
  private readonly logger = new Logger(ReplicationSourceStager.name);

  constructor(
    private readonly store: ReplicationStore,
    private readonly registry: ProviderRegistry,
    @Inject(STAGING_STORAGE) private readonly staging: StagingStorage,
    @Inject(LEASES) private readonly leases: LeaseFactory,
    private readonly config: AppConfig,
    private readonly metrics: BrokerMetrics,
  ) {}

  async stage(replicationId: string, source: Image, signal: AbortSignal): Promise<SourceInStaging> {
    const leaseKey = `${this.config.redisPrefix}:replication-source:${replicationId}`;
    for (;;) {
      signal.throwIfAborted();
      const staged = await this.lookUp(replicationId, source);
      if (staged) return staged;
      const lease = await this.leases.tryAcquire(leaseKey, { ttlMs: LEASE_MS });
      if (lease) {
        try {
          // Another target may have finished the download (or found it bad) between the look above and the lease.
          return (await this.lookUp(replicationId, source)) ?? (await this.download(replicationId, source, signal));
        } finally {
          await lease.release();
        }
      }
      try {
        await sleep(WAIT_MS, undefined, { signal });
      } catch (error) {
        // timers/promises rejects with its own AbortError; callers expect the signal's reason.
        signal.throwIfAborted();
        throw error;
      }
    }
  }

  /**
   * Called when a target's job has succeeded, failed for good or been
   * cancelled; a job the target has since been retried from is ignored. The
   * last target still holding the source removes it; a target whose job is no
   * longer queued or running (one that died on its last attempt) does not hold
   * it. The row lock makes two targets ending at once see each other's release.
   */
  async release(replicationId: string, targetId: string, jobId: string): Promise<void> {
    try {
      const removable = await this.store.releaseSource(replicationId, targetId, jobId);
      if (removable) await this.staging.delete(removable);
    } catch (error) {
      // The copy itself is done or failed already; a source left in staging is only storage.
      this.logger.warn(`could not release the staged source of replication ${replicationId}: ${String(error)}`);
    }
  }

  /**
   * The replication's staged source, when it is recorded and its bytes are all
   * still in staging. A source that failed its check for one target fails the
   * others without another download.
   */
  private async lookUp(replicationId: string, source: Image): Promise<SourceInStaging | null> {
    const replication = await this.store.find(replicationId);
    if (replication?.sourceFailure) throw new IntegrityError(source.providerName, replication.sourceFailure);
    return replication ? this.staged(replication) : null;
  }

  private async staged(replication: Replication): Promise<SourceInStaging | null> {
    const { sourceKey, sourceSizeBytes, sourceSha256, sourceSha512, sourceMd5 } = replication;
    if (!sourceKey || sourceSizeBytes === null || !sourceSha256 || !sourceSha512 || !sourceMd5) return null;
    const sizeBytes = Number(sourceSizeBytes);
    if ((await this.staging.size(sourceKey).catch(() => null)) !== sizeBytes) return null;
    return {
      key: sourceKey,
      digest: { sizeBytes, sha256: sourceSha256, sha512: sourceSha512, md5: sourceMd5 },
    };
  }

  /** Downloads the source, checked against the catalogue's size and checksums, and records it for the others. */
  private async download(replicationId: string, source: Image, signal: AbortSignal): Promise<SourceInStaging> {
    const sourceAdapter = await this.registry.resolve(source.providerName);
    const download = operation(sourceAdapter, 'download', 'downloadImage');
    const file = await download(source.nativeId, null, signal);
    // A key of its own: should a lost lease let two downloads run, neither can remove the other's bytes.
    const key = `replications/${replicationId}/${randomUUID()}`;
    const digest = await stageDownload(this.staging, key, file.stream, {
      signal,
      expectedSizeBytes: source.sizeBytes === null ? null : Number(source.sizeBytes),
      counted: (bytes) => this.metrics.countTransfer('provider_to_staging', source.providerName, bytes),
    }).catch(async (error: unknown) => {
      if (!(error instanceof StagedSizeMismatchError)) throw error;
      throw await this.failed(
        replicationId,
        source,
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
      throw await this.failed(
        replicationId,
        source,
        `the downloaded source differs from the catalogue in ${mismatch.join(', ')}`,
      );
    }
    return this.record(replicationId, { key, digest });
  }

  /** Records why the source failed its check, for the targets waiting for it, and the error to fail with. */
  private async failed(replicationId: string, source: Image, message: string): Promise<IntegrityError> {
    await this.store.recordSourceFailure(replicationId, message).catch(() => undefined);
    return new IntegrityError(source.providerName, message);
  }

  /**
   * Records a finished download for the other targets, unless another
   * download (one that ran under a lost lease) was recorded first: then that
   * one is used and this one removed. A record whose bytes are gone is replaced.
   */
  private async record(replicationId: string, mine: SourceInStaging): Promise<SourceInStaging> {
    for (;;) {
      const current = await this.store.find(replicationId);
      if (!current) return mine;
      if (current.sourceKey !== null) {
        const theirs = await this.staged(current);
        if (theirs && theirs.key !== mine.key) {
          await this.staging.delete(mine.key).catch(() => undefined);
          return theirs;
        }
      }
      if (await this.store.recordSource(replicationId, current.sourceKey, mine)) return mine;
    }
  }
}
