import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { UnrecoverableError, Worker, type Job as QueueJob } from 'bullmq';
import type IORedis from 'ioredis';
import { AppConfig } from '../../platform/config/app-config';
import { createRedisConnection } from '../../platform/coordination/redis-connection';
import { TimerQueue } from './timer-queue';
import { TIMER_HANDLERS, TIMERS_QUEUE, type TimerHandler } from './timer-types';

/** Timers are short database writes: a few at once is plenty. */
const CONCURRENCY = 4;

/**
 * Runs timers in ROLE=worker: installs each periodic one, fires it once at
 * start-up (anything that fell due while no worker ran happens now), and
 * hands each firing to its handler by name.
 */
@Injectable()
export class TimerWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TimerWorker.name);
  private readonly handlers = new Map<string, TimerHandler>();
  private connection?: IORedis;
  private worker?: Worker;

  constructor(
    private readonly config: AppConfig,
    private readonly timers: TimerQueue,
    @Inject(TIMER_HANDLERS) handlers: TimerHandler[],
  ) {
    for (const handler of handlers) {
      if (this.handlers.has(handler.name)) throw new Error(`timer '${handler.name}' has two handlers`);
      this.handlers.set(handler.name, handler);
    }
  }

  onApplicationBootstrap(): void {
    this.connection = createRedisConnection(this.config, 'worker');
    this.worker = new Worker<{ key?: string }>(TIMERS_QUEUE, (job) => this.fire(job), {
      connection: this.connection,
      prefix: this.config.redisPrefix,
      concurrency: CONCURRENCY,
    });
    this.worker.on('error', (error) => this.logger.warn(`queue ${TIMERS_QUEUE}: ${error.message}`));
    for (const handler of this.handlers.values()) {
      if (handler.everyMs === undefined) continue;
      // Not awaited: a Redis that is away at start-up must not hold the worker's boot (the next start installs it).
      void this.timers.every(handler.name, handler.everyMs).catch((error: Error) => {
        this.logger.warn(`could not install the periodic timer ${handler.name}: ${error.message}`);
      });
      void handler.fire('').catch((error: Error) => {
        this.logger.warn(`timer ${handler.name} at start-up failed: ${error.message}`);
      });
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    this.connection?.disconnect();
  }

  private async fire(job: QueueJob<{ key?: string }>): Promise<void> {
    const handler = this.handlers.get(job.name);
    if (!handler) throw new UnrecoverableError(`no timer handler for '${job.name}'`);
    await handler.fire(job.data.key ?? '');
  }
}
