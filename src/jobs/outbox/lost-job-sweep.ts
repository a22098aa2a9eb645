import type { PrismaClient } from '../../platform/persistence/generated/client';
import type { BrokerJobType } from '../job-types';

/** True when BullMQ still holds the job (waiting, delayed or active). */
export type QueueHoldsJob = (type: BrokerJobType, jobId: string) => Promise<boolean>;

const PAGE = 500;

/**
 * Finds live job rows that neither the outbox nor BullMQ holds (Redis lost its
 * data, or someone deleted the keys) and gives each an outbox row again, so the
 * relay re-enqueues it: recovery takes the same path as creation.
 *
 * A queued row without an outbox row was enqueued (the relay deletes the row
 * only after BullMQ accepted it), so BullMQ not holding it means it was lost.
 * A running row is only considered after `runningGraceMs` without an update,
 * since its worker writes progress while it is alive.
 */
export class LostJobSweep {
  constructor(
    private readonly db: PrismaClient,
    private readonly holds: QueueHoldsJob,
    private readonly runningGraceMs = 15_000,
  ) {}

  /** Returns the ids given back to the outbox. */
  async sweep(): Promise<string[]> {
    const lost: string[] = [];
    let after: string | undefined;
    for (;;) {
      const rows = await this.db.job.findMany({
        where: {
          id: after ? { gt: after } : undefined,
          outbox: { is: null },
          OR: [
            { state: 'queued' },
            { state: 'running', updatedAt: { lt: new Date(Date.now() - this.runningGraceMs) } },
          ],
        },
        select: { id: true, type: true },
        orderBy: { id: 'asc' },
        take: PAGE,
      });
      for (const row of rows) {
        if (!(await this.holds(row.type as BrokerJobType, row.id))) lost.push(row.id);
      }
      if (rows.length < PAGE) break;
      after = rows[rows.length - 1].id;
    }
    for (const id of lost) await this.restore(id);
    return lost;
  }

  private async restore(jobId: string): Promise<void> {
    await this.db.$transaction([
      // Whoever ran it is gone with the BullMQ entry: the row waits for a worker again.
      this.db.job.updateMany({ where: { id: jobId, state: 'running' }, data: { state: 'queued' } }),
      // Re-checks the state, so a row that ended since the scan is left alone.
      this.db.$executeRaw`
        INSERT INTO job_outbox (job_id)
        SELECT id FROM jobs WHERE id = ${jobId}::uuid AND state IN ('queued', 'running')
        ON CONFLICT (job_id) DO NOTHING`,
    ]);
  }
}
