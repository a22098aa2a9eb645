import { BrokerError } from '../platform/errors/broker-error';

/**
 * A failure of a job's own, with the code its row keeps. It has no HTTP answer
 * of its own: should one reach the API, it is the generic 500, like any
 * failure the API did not foresee.
 */
export abstract class JobError extends BrokerError {
  readonly status = 500;
  readonly slug = 'internal-error';
  readonly title = 'Internal server error';
  constructor(
    override readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A failure that retrying cannot fix: the job fails at once with this code. */
export class PermanentJobError extends JobError {
  readonly transient = false;
  constructor(code: string, message: string) {
    super(code, message);
    // Kept for its subclasses too (ImportUrlRefusedError): logs and tests name the kind of failure, not the cause.
    this.name = 'PermanentJobError';
  }
}

/** A failure that trying again later may fix (a source that answered 5xx, a body cut short): the job is retried. */
export class TransientJobError extends JobError {
  readonly transient = true;
}

/** The reason a cancelled job's signal is aborted with: never retried. */
export class JobCancelledError extends JobError {
  readonly transient = false;
  constructor() {
    super('cancelled', 'cancelled by a user');
  }
}

/** The abort reason of a run whose worker is shutting down: the job goes back to the queue, not to failed. */
export class WorkerShutdownError extends BrokerError {
  readonly status = 500;
  readonly slug = 'internal-error';
  readonly title = 'Internal server error';
  readonly transient = true;
  constructor() {
    super('the worker is shutting down; the job resumes on another worker');
  }
}
