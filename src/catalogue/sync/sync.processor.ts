import { Injectable, Logger } from '@nestjs/common';
import { CatalogueVersion } from '../../platform/coordination/coordination.module';
import { CatalogueWriter, WRITE_BATCH_SIZE, seenKey } from '../catalogue-writer.service';
import { textProblem } from '../storable-image';
import { BrokerMetrics } from '../../platform/metrics/broker-metrics';
import { ProviderConnectionStore } from '../../providers/connections/provider-connection.store';
import type { NormalizedImage } from '../../providers/port/normalized-image';
import { ProviderRegistry } from '../../providers/port/provider-registry.service';
import { PermanentJobError, type JobContext, type JobHandler } from '../../jobs/job-handler';
import { publicJobError } from '../../jobs/public-job-error';
import { SyncSkipReport } from './sync-skip-report';

/**
 * Catalogue sync of one provider: reads the whole listing, upserts what
 * changed, marks what vanished upstream as deleted, and records the outcome on
 * the provider connection. A failed listing deletes nothing. An upstream image
 * the catalogue cannot store (a NUL in its name, a size beyond its column) is
 * skipped and reported on the job's result and in a metric; it never fails
 * the sync. Such an image still counts as listed, so a row the catalogue held
 * from before keeps its last stored state rather than being marked deleted.
 */
/** Rows changed by one sync above which table statistics are refreshed. */
const ANALYZE_THRESHOLD = 1_000;

@Injectable()
export class SyncProcessor implements JobHandler<'sync'> {
  readonly type = 'sync' as const;

  constructor(
    private readonly registry: ProviderRegistry,
    private readonly writer: CatalogueWriter,
    private readonly connections: ProviderConnectionStore,
    private readonly version: CatalogueVersion,
    private readonly metrics: BrokerMetrics,
  ) {}

  private readonly logger = new Logger(SyncProcessor.name);

  async run({ payload, signal }: JobContext<'sync'>): Promise<Record<string, unknown>> {
    const adapter = await this.registry.resolve(payload.provider).catch(() => {
      throw new PermanentJobError('unknown_provider', `Provider connection '${payload.provider}' no longer exists`);
    });
    const startedAt = await this.writer.clock();
    const seen = new Set<string>();
    let batch = new Map<string, NormalizedImage>();
    let listed = 0;
    let written = 0;
    const skipped = new SyncSkipReport();
    const flush = async () => {
      const outcome = await this.writer.writeSyncBatch(adapter.name, adapter.kind, [...batch.values()], startedAt);
      written += outcome.written;
      skipped.add(outcome.skipped);
      for (const row of outcome.skipped) {
        this.logger.warn(
          `sync of '${adapter.name}' skipped image '${row.image.nativeId}': ${row.field ?? 'row'} ${row.reason}`,
        );
      }
      if (outcome.skipped.length > 0)
        this.metrics.syncRowsSkipped.inc({ provider: adapter.name }, outcome.skipped.length);
      batch = new Map();
    };
    try {
      for await (const image of adapter.listImages(signal)) {
        const key = seenKey(image);
        if (!seen.has(key)) listed += 1;
        // An identity the catalogue cannot hold names no row it holds: nothing to keep from deletion.
        if (!hasUnstorableIdentity(image)) seen.add(key);
        // A provider may list an image twice while its pages shift; keep the later copy.
        batch.set(key, image);
        if (batch.size >= WRITE_BATCH_SIZE) await flush();
      }
      await flush();
      const deleted = await this.writer.markVanished(adapter.name, seen, startedAt);
      // After a bulk load the planner's statistics are stale; refresh them before readers notice.
      if (written + deleted > ANALYZE_THRESHOLD) await this.writer.refreshStatistics();
      await this.connections.recordSync(adapter.name, startedAt);
      return { listed, written, deleted, skipped: skipped.count, skippedRows: skipped.first };
    } catch (error) {
      // lastError is shown to read-only keys: only public text, never the database's or a secret.
      const shown = publicJobError(error);
      if (shown.internal)
        this.logger.error(`sync of '${adapter.name}' failed: ${(error as Error).stack ?? String(error)}`);
      await this.connections.recordSyncFailure(adapter.name, shown.message);
      throw error;
    } finally {
      // Rows may have changed even when the listing failed halfway; lastSyncAt changed when it did not.
      await this.version.bump();
    }
  }
}

function hasUnstorableIdentity(image: NormalizedImage): boolean {
  return textProblem(image.nativeId) !== null || textProblem(image.region) !== null;
}
