import { Injectable } from '@nestjs/common';
import { CatalogueVersion } from '../../coordination/coordination.module';
import { CatalogueWriter, WRITE_BATCH_SIZE, seenKey } from '../../catalogue/catalogue-writer.service';
import { PrismaService } from '../../persistence/prisma.service';
import type { NormalizedImage } from '../../provider-port/normalized-image';
import { ProviderRegistry } from '../../provider-port/provider-registry.service';
import { PermanentJobError, type JobContext, type JobHandler } from '../job-handler';

/**
 * Catalogue sync of one provider: reads the whole listing, upserts what
 * changed, marks what vanished upstream as deleted, and records the outcome on
 * the provider connection. A failed listing deletes nothing.
 */
/** Rows changed by one sync above which table statistics are refreshed. */
const ANALYZE_THRESHOLD = 1_000;

@Injectable()
export class SyncProcessor implements JobHandler<'sync'> {
  readonly type = 'sync' as const;

  constructor(
    private readonly registry: ProviderRegistry,
    private readonly writer: CatalogueWriter,
    private readonly prisma: PrismaService,
    private readonly version: CatalogueVersion,
  ) {}

  async run({ payload, signal }: JobContext<'sync'>): Promise<Record<string, unknown>> {
    const adapter = await this.registry.resolve(payload.provider).catch(() => {
      throw new PermanentJobError('unknown_provider', `Provider connection '${payload.provider}' no longer exists`);
    });
    const startedAt = await this.writer.clock();
    const seen = new Set<string>();
    let batch = new Map<string, NormalizedImage>();
    let listed = 0;
    let written = 0;
    const flush = async () => {
      written += await this.writer.upsertBatch(adapter.name, adapter.kind, [...batch.values()], startedAt);
      batch = new Map();
    };
    try {
      for await (const image of adapter.listImages(signal)) {
        const key = seenKey(image);
        if (!seen.has(key)) listed += 1;
        seen.add(key);
        // A provider may list an image twice while its pages shift; keep the later copy.
        batch.set(key, image);
        if (batch.size >= WRITE_BATCH_SIZE) await flush();
      }
      await flush();
      const deleted = await this.writer.markVanished(adapter.name, seen, startedAt);
      // After a bulk load the planner's statistics are stale; refresh them before readers notice.
      if (written + deleted > ANALYZE_THRESHOLD) await this.writer.refreshStatistics();
      await this.prisma.providerConnection.update({
        where: { name: adapter.name },
        data: { lastSyncAt: startedAt, lastError: null, lastErrorAt: null },
      });
      return { listed, written, deleted };
    } catch (error) {
      await this.prisma.providerConnection.update({
        where: { name: adapter.name },
        data: { lastError: error instanceof Error ? error.message : String(error), lastErrorAt: new Date() },
      });
      throw error;
    } finally {
      // Rows may have changed even when the listing failed halfway; lastSyncAt changed when it did not.
      await this.version.bump();
    }
  }
}
