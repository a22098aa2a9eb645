import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { UnrecoverableError, Worker, type Job as QueueJob } from 'bullmq';
import type IORedis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { ProviderError } from '../provider-port/provider.errors';
import {
  cancellationChannel,
  JOB_HANDLERS,
  JobCancelledError,
  PermanentJobError,
  type JobHandler,
} from './job-handler';
import {
  BROKER_JOB_TYPES,
  JOB_POLICIES,
  QUEUES,
  SYNC_SCHEDULE_TICK,
  type BrokerJobType,
  type QueuedJobData,
} from './job-types';
import { JobRunRecorder } from './job-run-recorder';
import { createRedisConnection } from '../coordination/redis-connection';
import { SyncScheduleTick } from './processors/sync-schedule.tick';

/**
 * Runs queued jobs in ROLE=worker (or all). One BullMQ worker per queue
 * dispatches to the registered handler of each job type; the job row is
 * updated at every transition.
 */
@Injectable()
export class JobWorkerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(JobWorkerService.name);
  private readonly handlers = new Map<BrokerJobType, JobHandler>();
  private readonly workers: Worker[] = [];
  private readonly inFlight = new Map<string, AbortController>();
  private connection?: IORedis;
  /** Subscribed to cancellations: a job cancelled through the API stops on whichever worker runs it. */
  private cancellations?: IORedis;

  constructor(
    private readonly config: AppConfig,
    private readonly recorder: JobRunRecorder,
    private readonly scheduleTick: SyncScheduleTick,
    @Inject(JOB_HANDLERS) handlers: JobHandler[],
  ) {
    for (const handler of handlers) {
      if (this.handlers.has(handler.type)) throw new Error(`job type '${handler.type}' has two handlers`);
      this.handlers.set(handler.type, handler);
    }
    const missing = BROKER_JOB_TYPES.filter((t) => !this.handlers.has(t));
    if (missing.length > 0) throw new Error(`job types without a handler: ${missing.join(', ')}`);
  }

  onApplicationBootstrap(): void {
    this.connection = createRedisConnection(this.config, 'worker');
    const queues = new Set(Object.values(QUEUES));
    for (const queue of queues) {
      const worker = new Worker<QueuedJobData | Record<string, never>>(queue, (job) => this.process(job), {
        connection: this.connection,
        prefix: this.config.redisPrefix,
        concurrency: this.config.workerConcurrency,
        lockDuration: this.config.jobLockDurationMs,
        stalledInterval: this.config.jobLockDurationMs,
        maxStalledCount: 3,
      });
      worker.on('error', (error) => this.logger.warn(`queue ${queue}: ${error.message}`));
      this.workers.push(worker);
    }
    this.cancellations = createRedisConnection(this.config, 'worker');
    void this.cancellations.subscribe(cancellationChannel(this.config.redisPrefix));
    this.cancellations.on('message', (_channel: string, jobId: string) => {
      this.inFlight.get(jobId)?.abort(new JobCancelledError());
    });
    this.logger.log(
      `worker started on queues ${[...queues].join(', ')} (concurrency ${this.config.workerConcurrency})`,
    );
  }

  private async settle(handler: JobHandler, jobId: string, payload: unknown, error: unknown): Promise<void> {
    await handler.settleFailure?.(jobId, payload as never, error).catch((settleError: unknown) => {
      this.logger.warn(`job ${jobId}: settling its failure failed: ${errorMessage(settleError)}`);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    for (const controller of this.inFlight.values()) controller.abort(new Error('worker shutting down'));
    await Promise.all(this.workers.map((w) => w.close()));
    this.connection?.disconnect();
    this.cancellations?.disconnect();
  }

  private async process(queueJob: QueueJob<QueuedJobData | Record<string, never>>): Promise<unknown> {
    if (queueJob.name === SYNC_SCHEDULE_TICK) return this.scheduleTick.run();
    const type = queueJob.name as BrokerJobType;
    const handler = this.handlers.get(type);
    const jobId = (queueJob.data as QueuedJobData).jobId;
    if (!handler || !jobId) throw new UnrecoverableError(`unknown job ${queueJob.name}`);

    const row = await this.recorder.start(jobId);
    if (!row) {
      // Cancelled while queued: its handler still cleans up after it (staged bytes, image status).
      const ended = await this.recorder.find(jobId);
      if (ended?.state === 'cancelled') await this.settle(handler, jobId, ended.payload, new JobCancelledError());
      return { skipped: `job row is ${ended?.state ?? 'gone'}` };
    }
    const controller = new AbortController();
    this.inFlight.set(jobId, controller);
    const attempts = queueJob.opts.attempts ?? JOB_POLICIES[type].attempts;
    try {
      const result = await handler.run({
        jobId,
        payload: row.payload as never,
        attempt: queueJob.attemptsMade + 1,
        signal: controller.signal,
        progress: (done, total) => this.recorder.progress(jobId, done, total),
      });
      await this.recorder.succeed(jobId, result);
      return result;
    } catch (caught) {
      const error = controller.signal.reason instanceof JobCancelledError ? controller.signal.reason : caught;
      if (error instanceof JobCancelledError) {
        await this.settle(handler, jobId, row.payload, error);
        throw new UnrecoverableError(error.message);
      }
      const permanent = isPermanent(error);
      const final = permanent || queueJob.attemptsMade + 1 >= attempts;
      await this.recorder.fail(jobId, errorCode(error), errorMessage(error), final);
      if (final) await this.settle(handler, jobId, row.payload, error);
      if (permanent) throw new UnrecoverableError(errorMessage(error));
      throw error;
    } finally {
      this.inFlight.delete(jobId);
    }
  }
}

function isPermanent(error: unknown): boolean {
  if (error instanceof PermanentJobError) return true;
  if (error instanceof ProviderError) return !error.transient;
  return false;
}

function errorCode(error: unknown): string {
  if (error instanceof PermanentJobError || error instanceof ProviderError) return error.code;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[a-z_]+$/.test(code) ? code : 'internal_error';
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
