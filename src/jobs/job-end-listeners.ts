import { Injectable, Logger } from '@nestjs/common';
import { EventLog } from '../platform/events/event-log';
import { AfterCommitWork, type AfterCommit } from '../platform/persistence/after-commit';
import type { Job, Prisma } from '../platform/persistence/generated/client';

/**
 * Told of a job's end inside the transaction that ends it, so what it writes
 * commits with the job's state; what it returns runs once that has committed.
 */
export interface JobEndListener {
  onJobEnded(tx: Prisma.TransactionClient, job: Job): Promise<AfterCommit | void>;
}

/**
 * Who hears of a job's end. Capability folders above `jobs/` register here at
 * start-up (families follow their placements' jobs), so `jobs/` tells them
 * without importing them. Every end also records `job.succeeded` or
 * `job.failed` (a cancelled job is a failed one with code `cancelled`) in the
 * event feed, in the same transaction.
 */
@Injectable()
export class JobEndListeners {
  private readonly logger = new Logger(JobEndListeners.name);
  private readonly listeners: JobEndListener[] = [];

  constructor(private readonly events: EventLog) {}

  register(listener: JobEndListener): void {
    this.listeners.push(listener);
  }

  /** Call inside the ending transaction; run the answer (`AfterCommitWork.run`) once it has committed. */
  async notify(tx: Prisma.TransactionClient, job: Job): Promise<AfterCommitWork> {
    const after = new AfterCommitWork();
    await this.events.append(tx, [
      {
        type: job.state === 'succeeded' ? 'job.succeeded' : 'job.failed',
        subject: `jobs/${job.id}`,
        orderingKey: job.providerName ?? job.id,
        data: {
          id: job.id,
          type: job.type,
          state: job.state,
          provider: job.providerName,
          imageId: job.imageId,
          error: job.errorCode ? { code: job.errorCode, message: job.errorMessage ?? '' } : null,
        },
      },
    ]);
    for (const listener of this.listeners) after.add(await listener.onJobEnded(tx, job));
    return after;
  }

  /** Runs what the listeners asked for once the ending transaction committed (null: no job ended). */
  async committed(after: AfterCommitWork | null): Promise<void> {
    await after?.run(this.logger);
  }
}
