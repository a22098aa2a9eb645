import type { BrokerJobType, JobPayloads } from './job-types';

export interface JobContext<T extends BrokerJobType> {
  jobId: string;
  payload: JobPayloads[T];
  /** 1 for the first attempt. */
  attempt: number;
  signal: AbortSignal;
  progress(bytesDone: number, bytesTotal: number | null): Promise<void>;
}

/** One handler per job type, collected under JOB_HANDLERS and checked at start-up. */
export interface JobHandler<T extends BrokerJobType = BrokerJobType> {
  readonly type: T;
  run(context: JobContext<T>): Promise<Record<string, unknown>>;
  /**
   * Whether the job has what it needs to start. One that waits for something
   * outside the broker (an upload's first bytes from its client) goes back to
   * the queue without taking a slot, as one over its concurrency limit does,
   * so it never keeps a ready job waiting.
   */
  ready?(payload: JobPayloads[T]): Promise<boolean>;
  /** Called once when the job has failed for good (or was cancelled): leave what it touched retryable. */
  settleFailure?(jobId: string, payload: JobPayloads[T], error: unknown): Promise<void>;
}

export const JOB_HANDLERS = Symbol('JOB_HANDLERS');

// The job errors live in job-errors.ts; handlers in capability folders import them from here.
export { JobCancelledError, PermanentJobError, TransientJobError, WorkerShutdownError } from './job-errors';

/** Redis channel on which the API announces cancelled job ids to every worker. */
export function cancellationChannel(redisPrefix: string): string {
  return `${redisPrefix}:job-cancellations`;
}
