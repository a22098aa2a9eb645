import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DelayedError, UnrecoverableError, Worker, type Job as QueueJob } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import type IORedis from 'ioredis';
import { AppConfig } from '../platform/config/app-config';
import { isTransient } from '../platform/errors/broker-error';
import {
  cancellationChannel,
  JOB_HANDLERS,
  JobCancelledError,
  WorkerShutdownError,
  type JobHandler,
} from './job-handler';
import {
  BROKER_JOB_TYPES,
  JOB_REGISTRY,
  QUEUES,
  SYNC_SCHEDULE_TICK,
  type BrokerJobType,
  type QueuedJobData,
} from './job-types';
import { publicJobError, scrubPublicText } from './public-job-error';
import { BrokerMetrics } from '../platform/metrics/broker-metrics';
import { JobRunRecorder } from './job-run-recorder';
import { createRedisConnection } from '../platform/coordination/redis-connection';
import { SCHEDULED_TICK, type ScheduledTick } from './scheduled-tick';
import { JobConcurrencyGate } from './concurrency/job-concurrency-gate';
import { ProviderJobLimits } from './concurrency/provider-job-limits';
import type { Job } from '../platform/persistence/generated/client';

/** A job that finds its limit reached, or its input not there yet, goes back to BullMQ for about this long (plus jitter). */
const LIMITED_RETRY_MS = 500;
/**
 * A job waiting for its input looks again this often; its producer wakes it
 * (JobService.wake, BullMQ's promote) the moment the input is there, so this
 * is only the bound for a wake lost to a Redis hiccup or a race with the look.
 */
const NOT_READY_RECHECK_MS = 3_000;

/**
 * Runs queued jobs in ROLE=worker (or all). One BullMQ worker per queue
 * dispatches to the registered handler of each job type; the job row is
 * updated at every transition. A job runs only with a slot of the
 * JobConcurrencyGate (global and per-provider limits across every worker).
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
  private draining?: Promise<void>;

  constructor(
    private readonly config: AppConfig,
    private readonly recorder: JobRunRecorder,
    @Inject(SCHEDULED_TICK) private readonly scheduleTick: ScheduledTick,
    private readonly metrics: BrokerMetrics,
    private readonly pino: PinoLogger,
    private readonly gate: JobConcurrencyGate,
    private readonly limits: ProviderJobLimits,
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
      const worker = new Worker<QueuedJobData | Record<string, never>>(
        queue,
        (job, token) => this.process(job, token),
        {
          connection: this.connection,
          prefix: this.config.redisPrefix,
          concurrency: this.config.workerConcurrency,
          lockDuration: this.config.jobLockDurationMs,
          stalledInterval: this.config.jobLockDurationMs,
          maxStalledCount: 3,
        },
      );
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

  /**
   * Stops taking jobs and hands the running ones back: each is aborted, keeps
   * its checkpoint (an FPT upload's finished parts, say), returns to the queue
   * without counting an attempt, and another worker resumes it at once.
   * Resolves when every run has let go, well before the shutdown deadline.
   */
  drain(): Promise<void> {
    this.draining ??= (async () => {
      const closing = Promise.all(this.workers.map((w) => w.close()));
      if (this.inFlight.size > 0) this.logger.log(`handing back ${this.inFlight.size} running job(s)`);
      for (const controller of this.inFlight.values()) controller.abort(new WorkerShutdownError());
      await closing;
    })();
    return this.draining;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.drain();
    this.connection?.disconnect();
    this.cancellations?.disconnect();
  }

  private process(queueJob: QueueJob<QueuedJobData | Record<string, never>>, token?: string): Promise<unknown> {
    if (queueJob.name === SYNC_SCHEDULE_TICK) return this.scheduleTick.run();
    const jobId = (queueJob.data as QueuedJobData).jobId;
    // Every line logged while the job runs, here or deep in a handler, carries its id.
    return this.pino.runInContext(() => this.run(queueJob, token), {
      bindings: { jobId, jobType: queueJob.name },
    });
  }

  private async run(queueJob: QueueJob<QueuedJobData | Record<string, never>>, token?: string): Promise<unknown> {
    const type = queueJob.name as BrokerJobType;
    const handler = this.handlers.get(type);
    const jobId = (queueJob.data as QueuedJobData).jobId;
    if (!handler || !jobId) throw new UnrecoverableError(`unknown job ${queueJob.name}`);
    if (this.draining && token) {
      // Fetched in the instant close() began: not this worker's to start any more.
      await queueJob.moveToDelayed(Date.now(), token);
      throw new DelayedError('the worker is shutting down');
    }

    // An ended row (cancelled while it waited, say) needs no slot: only its clean-up runs.
    const queued = await this.recorder.find(jobId);
    if (!queued || (queued.state !== 'queued' && queued.state !== 'running')) return this.skip(handler, jobId, queued);
    if (handler.ready && !(await handler.ready(queued.payload as never))) {
      // Waiting for its input (an upload's first bytes) outside both slots: a ready job may take them.
      await queueJob.moveToDelayed(Date.now() + NOT_READY_RECHECK_MS + Math.random() * LIMITED_RETRY_MS, token);
      throw new DelayedError();
    }
    const provider = queued.providerName
      ? { name: queued.providerName, limit: await this.limits.limitOf(queued.providerName) }
      : null;
    const slot = await this.gate.tryAcquire(provider);
    if (!slot) {
      // Give the BullMQ slot back instead of waiting in it; moveToDelayed does not count an attempt.
      await queueJob.moveToDelayed(Date.now() + LIMITED_RETRY_MS + Math.random() * LIMITED_RETRY_MS, token);
      throw new DelayedError();
    }
    try {
      return await this.runWithSlot(queueJob, token, type, handler, jobId);
    } finally {
      await slot.release();
    }
  }

  /** A job whose row has ended: cancelled while queued, its handler still cleans up (staged bytes, image status). */
  private async skip(handler: JobHandler, jobId: string, ended: Job | null): Promise<{ skipped: string }> {
    if (ended?.state === 'cancelled') await this.settle(handler, jobId, ended.payload, new JobCancelledError());
    return { skipped: `job row is ${ended?.state ?? 'gone'}` };
  }

  private async runWithSlot(
    queueJob: QueueJob<QueuedJobData | Record<string, never>>,
    token: string | undefined,
    type: BrokerJobType,
    handler: JobHandler,
    jobId: string,
  ): Promise<unknown> {
    const row = await this.recorder.start(jobId);
    // Ended between the check before the slot and now.
    if (!row) return this.skip(handler, jobId, await this.recorder.find(jobId));
    const controller = new AbortController();
    this.inFlight.set(jobId, controller);
    const attempts = queueJob.opts.attempts ?? JOB_REGISTRY[type].attempts;
    const timer = this.metrics.jobDuration.startTimer({ type, provider: row.providerName ?? '' });
    let outcome = 'failed';
    this.logger.log({ attempt: queueJob.attemptsMade + 1, provider: row.providerName }, `${type} job started`);
    try {
      const result = await handler.run({
        jobId,
        payload: row.payload as never,
        attempt: queueJob.attemptsMade + 1,
        signal: controller.signal,
        progress: (done, total) => this.recorder.progress(jobId, done, total),
      });
      await this.recorder.succeed(jobId, result);
      outcome = 'succeeded';
      this.logger.log(`${type} job succeeded`);
      return result;
    } catch (caught) {
      const reason: unknown = controller.signal.reason;
      if (reason instanceof WorkerShutdownError && token) {
        outcome = 'handed_back';
        this.logger.log(`${type} job handed back for another worker to resume`);
        await this.recorder.handBack(jobId);
        await queueJob.moveToDelayed(Date.now(), token);
        throw new DelayedError(reason.message);
      }
      const error = reason instanceof JobCancelledError ? reason : caught;
      if (error instanceof JobCancelledError) {
        outcome = 'cancelled';
        this.logger.log(`${type} job cancelled`);
        await this.settle(handler, jobId, row.payload, error);
        throw new UnrecoverableError(error.message);
      }
      // The same flag the problem mapper's errors carry: a refusal is not retried, a blip is.
      const permanent = !isTransient(error);
      const final = permanent || queueJob.attemptsMade + 1 >= attempts;
      const shown = publicJobError(error);
      // The log keeps the detail a generic message hides (the log line itself is stripped of secrets).
      const detail = shown.internal ? detailOf(error) : shown.message;
      this.logger.warn(
        { errorCode: shown.code, final },
        scrubPublicText(`${type} job failed: ${detail}${final ? '' : '; it will be retried'}`),
      );
      // Settled before the row says failed: whoever sees the job failed (a client, an end listener) sees its effects
      // undone too (an upload's image pending again, a replication's source released).
      if (final) await this.settle(handler, jobId, row.payload, error);
      await this.recorder.fail(jobId, shown.code, shown.message, final);
      // BullMQ keeps the thrown message as failedReason in Redis (and the queue dashboard shows it): only the public text.
      if (permanent) throw new UnrecoverableError(shown.message);
      throw new QueuedJobFailure(shown.message);
    } finally {
      timer({ outcome });
      this.inFlight.delete(jobId);
    }
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** An internal failure as the log should show it: the message, and the stack when there is one. */
function detailOf(error: unknown): string {
  return error instanceof Error && error.stack ? error.stack : String(error);
}

/** What a failed run throws back to BullMQ: the public message only, no stack of internals. */
class QueuedJobFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JobFailed';
    this.stack = `${this.name}: ${message}`;
  }
}
