import { Injectable } from '@nestjs/common';
import { PrismaService } from '../platform/persistence/prisma.service';
import { ProviderRegistry } from '../providers/port/provider-registry.service';
import { JobService } from '../jobs/job.service';
import { syncDedupeKey } from './sync/sync-schedule.tick';
import type { Job } from '../platform/persistence/generated/client';
import { NotFoundError } from '../platform/errors/app.errors';
import type { ProviderDto, ProviderListDto } from './dto/provider.dto';

@Injectable()
export class ProvidersService {
  constructor(
    private readonly registry: ProviderRegistry,
    private readonly prisma: PrismaService,
    private readonly jobs: JobService,
  ) {}

  async list(): Promise<ProviderListDto> {
    const [rows, counts] = await Promise.all([
      this.prisma.providerConnection.findMany({ orderBy: { name: 'asc' } }),
      this.prisma.image.groupBy({
        by: ['providerName'],
        where: { OR: [{ status: null }, { status: { not: 'deleted' } }] },
        _count: { _all: true },
      }),
    ]);
    const countOf = new Map(counts.map((c) => [c.providerName, c._count._all]));
    const adapters = new Map((await this.registry.all()).map((a) => [a.name, a]));
    const items: ProviderDto[] = rows
      .filter((row) => adapters.has(row.name))
      .map((row) => {
        const adapter = adapters.get(row.name)!;
        // Credentials this process cannot decrypt fail every call, whatever the last sync said.
        const unreadable = this.registry.unreadableReason(row.name);
        const failing = unreadable || (row.lastErrorAt && (!row.lastSyncAt || row.lastErrorAt > row.lastSyncAt));
        return {
          name: row.name,
          kind: row.kind,
          regions: row.regions,
          capabilities: { ...adapter.capabilities },
          health: failing ? 'failing' : row.lastSyncAt ? 'ok' : 'unknown',
          lastSyncAt: row.lastSyncAt?.toISOString() ?? null,
          lastError: unreadable ?? row.lastError,
          source: row.source,
          imageCount: countOf.get(row.name) ?? 0,
        };
      });
    return { items, nextCursor: null };
  }

  /** One connection as GET /v1/providers shows it. */
  async describe(name: string): Promise<ProviderDto> {
    const found = (await this.list()).items.find((p) => p.name === name);
    if (!found) throw new NotFoundError(`No provider connection is named '${name}'`);
    return found;
  }

  /** Queues a sync, or answers the one already queued or running for this provider. */
  async sync(name: string): Promise<Job> {
    await this.registry.resolve(name);
    const { job } = await this.jobs.create(
      'sync',
      { provider: name, trigger: 'api' },
      { providerName: name, dedupeKey: syncDedupeKey(name) },
    );
    return job;
  }
}
