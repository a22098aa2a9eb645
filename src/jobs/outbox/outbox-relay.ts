import type { PrismaClient } from '../../platform/persistence/generated/client';
import type { BrokerJobType } from '../job-types';

/** Puts one job row into BullMQ under the row's id; a second call for the same row must be harmless. */
export type EnqueueJob = (type: BrokerJobType, jobId: string) => Promise<void>;

export interface OutboxRelayOptions {
  /** Outbox rows claimed per transaction. */
  batchSize: number;
  /** How often an idle relay looks for rows written by other processes (or left by a crash). */
  idlePollMs: number;
  /** An enqueue slower than this counts as failed, so a hung Redis cannot hold the claim forever. */
  enqueueTimeoutMs: number;
  /** Ceiling of the backoff after failed enqueues, for the row and for the relay's loop. */
  maxBackoffMs: number;
  log: (message: string) => void;
}

export interface RelayBatchResult {
  claimed: number;
  enqueued: number;
  failed: number;
}

interface ClaimedRow {
  id: bigint;
  job_id: string;
  type: BrokerJobType;
  attempts: number;
}

const DEFAULTS: OutboxRelayOptions = {
  batchSize: 50,
  idlePollMs: 250,
  enqueueTimeoutMs: 5_000,
  maxBackoffMs: 5_000,
  log: () => undefined,
};

/**
 * Moves job rows from the `job_outbox` table into BullMQ: the only path by
 * which a job reaches the queue.
 *
 * Each batch is one transaction that claims rows with FOR UPDATE SKIP LOCKED
 * (so relays in several processes never take the same row), enqueues them with
 * the job row id as the BullMQ job id, and deletes them. A crash after the
 * enqueue but before the commit leaves the rows in place; the next relay
 * enqueues them again, which BullMQ ignores because the job id exists. When
 * Redis refuses, the failing row keeps its place with a bumped `attempts`,
 * its error and a later `available_at`, and the relay backs off.
 */
export class OutboxRelay {
  private readonly options: OutboxRelayOptions;
  private loop?: Promise<void>;
  private stopping = false;
  /** Set by wake(): the next idle wait is skipped, because a local create just wrote a row. */
  private woken = false;
  private interruptSleep?: () => void;

  constructor(
    private readonly db: PrismaClient,
    private readonly enqueue: EnqueueJob,
    options: Partial<OutboxRelayOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.run();
  }

  /** Relay now rather than at the next poll: called right after this process wrote an outbox row. */
  wake(): void {
    this.woken = true;
    this.interruptSleep?.();
  }

  /** Resolves once the batch in flight, if any, has committed; no batch starts after. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.interruptSleep?.();
    await this.loop;
    this.loop = undefined;
  }

  /** One claim-enqueue-delete transaction. Stops at the first failed enqueue: Redis is likely away for the rest too. */
  async relayBatch(): Promise<RelayBatchResult> {
    const { batchSize, enqueueTimeoutMs } = this.options;
    return this.db.$transaction(
      async (tx) => {
        const rows = await tx.$queryRaw<ClaimedRow[]>`
          SELECT o.id, o.job_id::text AS job_id, j.type::text AS type, o.attempts
          FROM job_outbox o JOIN jobs j ON j.id = o.job_id
          WHERE o.available_at <= now()
          ORDER BY o.id
          LIMIT ${batchSize}
          FOR UPDATE OF o SKIP LOCKED`;
        const enqueued: string[] = [];
        let failed = 0;
        for (const row of rows) {
          try {
            await withTimeout(this.enqueue(row.type, row.job_id), enqueueTimeoutMs);
            enqueued.push(row.id.toString());
          } catch (error) {
            failed = 1;
            const message = error instanceof Error ? error.message : String(error);
            const backoffMs = this.backoff(row.attempts + 1);
            await tx.$executeRaw`
              UPDATE job_outbox
              SET attempts = attempts + 1, last_error = ${message},
                  available_at = now() + make_interval(secs => ${backoffMs / 1000}::double precision)
              WHERE id = ${row.id}`;
            this.options.log(`job ${row.job_id} not enqueued yet (attempt ${row.attempts + 1}): ${message}`);
            break;
          }
        }
        if (enqueued.length > 0) {
          await tx.$executeRaw`DELETE FROM job_outbox WHERE id = ANY(${enqueued}::bigint[])`;
        }
        return { claimed: rows.length, enqueued: enqueued.length, failed };
      },
      // The transaction spans Redis calls: allow a whole batch of them, each bounded by enqueueTimeoutMs.
      { timeout: enqueueTimeoutMs * 4 + 60_000, maxWait: 10_000 },
    );
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      this.woken = false;
      let result: RelayBatchResult | null = null;
      try {
        result = await this.relayBatch();
      } catch (error) {
        this.options.log(`outbox relay batch failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (result === null || result.failed > 0) {
        failures += 1;
        // A wake-up would only meet the same refusal: wait out the backoff (stop still interrupts).
        await this.sleep(this.backoff(failures), false);
        continue;
      }
      failures = 0;
      if (result.claimed === this.options.batchSize) continue;
      await this.sleep(this.options.idlePollMs, true);
    }
  }

  private backoff(failures: number): number {
    return Math.min(this.options.maxBackoffMs, 250 * 2 ** Math.min(failures - 1, 10));
  }

  private sleep(ms: number, wakeable: boolean): Promise<void> {
    if (this.stopping || (wakeable && this.woken)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.interruptSleep = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.interruptSleep = () => {
        if (wakeable || this.stopping) done();
      };
    });
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`enqueue took longer than ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
