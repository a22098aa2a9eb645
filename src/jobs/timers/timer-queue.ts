import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Queue } from 'bullmq';
import type IORedis from 'ioredis';
import { AppConfig } from '../../platform/config/app-config';
import { createRedisConnection } from '../../platform/coordination/redis-connection';
import { TIMERS_QUEUE } from './timer-types';

/** Attempts of one firing, the first included; the periodic sweep catches up on any that still failed. */
const FIRING_ATTEMPTS = 5;

/** The producer side of timers: one delayed BullMQ job per firing, and the periodic schedulers. */
@Injectable()
export class TimerQueue implements OnModuleDestroy {
  private readonly connection: IORedis;
  private readonly queue: Queue;

  constructor(config: AppConfig) {
    this.connection = createRedisConnection(config, 'producer');
    this.queue = new Queue(TIMERS_QUEUE, { connection: this.connection, prefix: config.redisPrefix });
  }

  /**
   * Fires timer `name` with `key` at `when` (at once when past). The BullMQ id
   * is drawn from all three, so asking twice for the same firing adds one job,
   * and a firing moved to another time is a job of its own (the handler finds
   * the earlier one no longer due).
   */
  async at(name: string, key: string, when: Date): Promise<void> {
    await this.queue.add(
      name,
      { key },
      {
        jobId: `${name}:${key}:${when.getTime()}`,
        delay: Math.max(0, when.getTime() - Date.now()),
        attempts: FIRING_ATTEMPTS,
        backoff: { type: 'exponential', delay: 1_000 },
        removeOnComplete: true,
        removeOnFail: { age: 24 * 3600 },
      },
    );
  }

  /** Installs the periodic firing of `name`. Idempotent across replicas. */
  async every(name: string, everyMs: number): Promise<void> {
    await this.queue.upsertJobScheduler(
      name,
      { every: everyMs },
      { name, data: { key: '' }, opts: { removeOnComplete: true, removeOnFail: 100 } },
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.queue.close();
    this.connection.disconnect();
  }
}
