import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Queue } from 'bullmq';
import type IORedis from 'ioredis';
import { AppConfig } from '../../platform/config/app-config';
import {
  JOB_REGISTRY,
  QUEUES,
  SYNC_SCHEDULE_TICK,
  type BrokerJobType,
  type QueueName,
  type QueuedJobData,
} from '../job-types';
import { createRedisConnection } from '../../platform/coordination/redis-connection';
import { promoteDelayed } from './promote-delayed';

/**
 * The producer side of the queues. The rest of the broker enqueues through
 * this class only; BullMQ stays an implementation detail of src/jobs/queue.
 */
@Injectable()
export class JobQueue implements OnModuleDestroy {
  private readonly connection: IORedis;
  private readonly queues = new Map<QueueName, Queue>();

  constructor(private readonly config: AppConfig) {
    this.connection = createRedisConnection(config, 'producer');
  }

  /** Enqueues a job row; the BullMQ job id is the row id, so a second enqueue of the same row is a no-op. */
  private async enqueue(type: BrokerJobType, jobId: string): Promise<void> {
    const policy = JOB_REGISTRY[type];
    const data: QueuedJobData = { jobId };
    await this.queue(policy.queue).add(type, data, {
      jobId,
      attempts: policy.attempts,
      backoff: { type: 'exponential', delay: policy.backoffMs },
      removeOnComplete: { age: 3600, count: 1000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    });
  }

  /** True when BullMQ still holds the job (waiting, delayed, active, or kept after the end). */
  async holds(type: BrokerJobType, jobId: string): Promise<boolean> {
    const job = await this.queue(JOB_REGISTRY[type].queue).getJob(jobId);
    if (!job) return false;
    const state = await job.getState();
    return state !== 'unknown' && state !== 'completed' && state !== 'failed';
  }

  /** Enqueues a row again, dropping a finished BullMQ entry that would make the add a no-op. */
  async requeue(type: BrokerJobType, jobId: string): Promise<void> {
    const existing = await this.queue(JOB_REGISTRY[type].queue).getJob(jobId);
    if (existing && ((await existing.isCompleted()) || (await existing.isFailed()))) await existing.remove();
    await this.enqueue(type, jobId);
  }

  /**
   * Moves a job that waits in the delayed set to the waiting list now: a job
   * held back for its input (an upload's first segment) runs as soon as the
   * input's producer says it is there. False when BullMQ holds it otherwise
   * (not relayed yet, being looked at, running): that look sees the input itself.
   */
  async promote(type: BrokerJobType, jobId: string): Promise<boolean> {
    return promoteDelayed(this.queue(JOB_REGISTRY[type].queue), jobId);
  }

  /** Installs (or removes, with 0) the repeatable sync tick. Idempotent across replicas. */
  async scheduleSync(everySeconds: number): Promise<void> {
    const queue = this.queue(QUEUES.catalogue);
    if (everySeconds <= 0) {
      await queue.removeJobScheduler(SYNC_SCHEDULE_TICK);
      return;
    }
    await queue.upsertJobScheduler(
      SYNC_SCHEDULE_TICK,
      { every: everySeconds * 1000 },
      { name: SYNC_SCHEDULE_TICK, data: {}, opts: { removeOnComplete: true, removeOnFail: 100 } },
    );
  }

  /**
   * Calls `listener` each time the connection to Redis comes back after it was
   * lost (not at the first connect): the moment to look for jobs a Redis that
   * restarted without its data has forgotten.
   */
  onReconnect(listener: () => void): () => void {
    let lost = false;
    const onLost = () => {
      lost = true;
    };
    const onReady = () => {
      if (!lost) return;
      lost = false;
      listener();
    };
    this.connection.on('close', onLost);
    this.connection.on('ready', onReady);
    return () => {
      this.connection.off('close', onLost);
      this.connection.off('ready', onReady);
    };
  }

  async ping(): Promise<void> {
    await this.connection.ping();
  }

  queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.connection, prefix: this.config.redisPrefix });
      this.queues.set(name, queue);
    }
    return queue;
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.connection.disconnect();
  }
}
