import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PrismaService } from '../platform/persistence/prisma.service';
import { LostJobSweep } from './outbox/lost-job-sweep';
import { OutboxRelayService } from './outbox/outbox-relay.service';
import { JobQueue } from './queue/job-queue';

const INTERVAL_MS = 30_000;
/** After Redis comes back, BullMQ's workers reconnect too; sweeping a moment later sees what they hold again. */
const AFTER_RECONNECT_MS = 2_000;

/**
 * Keeps PostgreSQL and BullMQ from diverging: at start-up, every 30 s, and
 * two seconds after the connection to Redis comes back,
 * a live job row whose BullMQ entry is missing (Redis restarted without its
 * data, keys deleted) gets an outbox row again and the relay re-enqueues it.
 * A job stored while Redis was away needs no sweep: its outbox row waits for it.
 */
@Injectable()
export class JobReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(JobReconciler.name);
  private readonly lostJobs: LostJobSweep;
  private timer?: NodeJS.Timeout;
  private stopWatching?: () => void;

  constructor(
    prisma: PrismaService,
    private readonly queue: JobQueue,
    private readonly relay: OutboxRelayService,
  ) {
    this.lostJobs = new LostJobSweep(prisma, (type, jobId) => queue.holds(type, jobId));
  }

  onApplicationBootstrap(): void {
    void this.sweep();
    this.timer = setInterval(() => void this.sweep(), INTERVAL_MS);
    this.timer.unref();
    // A Redis that restarted empty has forgotten every queued job: look at once, not at the next tick.
    this.stopWatching = this.queue.onReconnect(() => {
      this.logger.log('Redis is back; sweeping for jobs it lost');
      setTimeout(() => void this.sweep(), AFTER_RECONNECT_MS).unref();
    });
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.stopWatching?.();
  }

  async sweep(): Promise<number> {
    try {
      const lost = await this.lostJobs.sweep();
      if (lost.length > 0) {
        this.logger.warn(`${lost.length} job(s) missing from the queue handed back to the outbox`);
        this.relay.wake();
      }
      return lost.length;
    } catch (error) {
      this.logger.warn(`reconcile sweep failed: ${(error as Error).message}`);
      return 0;
    }
  }
}
