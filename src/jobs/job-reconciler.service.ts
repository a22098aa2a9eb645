import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PrismaService } from '../persistence/prisma.service';
import type { BrokerJobType } from './job-types';
import { JobQueue } from './queue/job-queue';

/** How old a queued row must be before the reconciler assumes its enqueue was lost. */
const GRACE_MS = 15_000;
const INTERVAL_MS = 30_000;

/**
 * Keeps PostgreSQL and BullMQ from diverging: at start-up and then every 30 s,
 * a live job row whose BullMQ entry is missing (Redis restarted, or the API
 * could not reach Redis when it stored the row) is enqueued again under the
 * same id, which BullMQ treats as a no-op when the entry does exist.
 */
@Injectable()
export class JobReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(JobReconciler.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly prisma: PrismaService,
    private readonly queue: JobQueue,
  ) {}

  onApplicationBootstrap(): void {
    void this.sweep();
    this.timer = setInterval(() => void this.sweep(), INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async sweep(): Promise<number> {
    try {
      const rows = await this.prisma.job.findMany({
        where: { state: { in: ['queued', 'running'] }, updatedAt: { lt: new Date(Date.now() - GRACE_MS) } },
        select: { id: true, type: true, state: true },
        take: 1000,
      });
      let requeued = 0;
      for (const row of rows) {
        const type = row.type as BrokerJobType;
        if (await this.queue.holds(type, row.id)) continue;
        if (row.state === 'running') {
          await this.prisma.job.updateMany({ where: { id: row.id, state: 'running' }, data: { state: 'queued' } });
        }
        await this.queue.requeue(type, row.id);
        requeued += 1;
      }
      if (requeued > 0) this.logger.warn(`re-enqueued ${requeued} job(s) missing from the queue`);
      return requeued;
    } catch (error) {
      this.logger.warn(`reconcile sweep failed: ${(error as Error).message}`);
      return 0;
    }
  }
}
