import { Injectable } from '@nestjs/common';
import { QUEUES } from './job-types';
import { JobQueue } from './queue/job-queue';
import { PrismaService } from '../platform/persistence/prisma.service';
import type { MetricsSnapshot } from '../platform/metrics/broker-metrics';

const QUEUE_STATES = ['waiting', 'prioritized', 'delayed', 'active', 'failed', 'completed'] as const;

/** Reads the gauges' values from PostgreSQL and Redis, once per scrape. */
@Injectable()
export class MetricsSnapshotSource {
  constructor(
    private readonly prisma: PrismaService,
    private readonly queue: JobQueue,
  ) {}

  async read(): Promise<MetricsSnapshot> {
    const [jobs, queues, catalogue] = await Promise.all([this.jobs(), this.queues(), this.catalogue()]);
    return { jobs, queues, catalogue };
  }

  private async jobs(): Promise<MetricsSnapshot['jobs']> {
    const rows = await this.prisma.job.groupBy({ by: ['type', 'state', 'providerName'], _count: { _all: true } });
    return rows.map((row) => ({
      type: row.type,
      state: row.state,
      provider: row.providerName ?? '',
      count: row._count._all,
    }));
  }

  private async queues(): Promise<MetricsSnapshot['queues']> {
    const names = [...new Set(Object.values(QUEUES))];
    const counts = await Promise.all(names.map((name) => this.queue.queue(name).getJobCounts(...QUEUE_STATES)));
    return names.flatMap((queue, i) => QUEUE_STATES.map((state) => ({ queue, state, count: counts[i][state] ?? 0 })));
  }

  private async catalogue(): Promise<MetricsSnapshot['catalogue']> {
    const [connections, counts] = await Promise.all([
      this.prisma.providerConnection.findMany({ select: { name: true, lastSyncAt: true } }),
      this.prisma.image.groupBy({
        by: ['providerName'],
        where: { status: { not: 'deleted' } },
        _count: { _all: true },
      }),
    ]);
    const images = new Map(counts.map((row) => [row.providerName, row._count._all]));
    return connections.map((c) => ({ provider: c.name, images: images.get(c.name) ?? 0, lastSyncAt: c.lastSyncAt }));
  }
}
