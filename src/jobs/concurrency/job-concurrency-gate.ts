import type { Lease, LeaseFactory } from '../../platform/coordination/lease';

export interface JobConcurrencyGateOptions {
  /** Prefix of the gate's keys, e.g. `${REDIS_PREFIX}:job-slots`. */
  keyPrefix: string;
  /** Jobs running at once across every process. */
  globalLimit: number;
  /** How long a slot outlives its holder's last renewal; renewed every third of it. */
  leaseMs: number;
}

/** The provider a job works on, and how many of its jobs may run at once. */
export interface ProviderLimit {
  name: string;
  limit: number;
}

/** A held slot: keeps its leases alive until released. */
export interface JobSlot {
  release(): Promise<void>;
}

/**
 * How many jobs run at once across every worker process: a global limit and
 * one per provider connection, each a lease of that many holders (the same
 * leases as the provider call limit), renewed while the job runs, so a
 * worker that dies gives its slot back when its lease lapses. Never waited
 * for: a worker that finds no slot gives its queue slot back instead of spinning.
 */
export class JobConcurrencyGate {
  constructor(
    private readonly leases: LeaseFactory,
    private readonly options: JobConcurrencyGateOptions,
  ) {}

  /** A slot under both limits, or null when either is reached. */
  async tryAcquire(provider: ProviderLimit | null): Promise<JobSlot | null> {
    const ttlMs = this.options.leaseMs;
    // Global first: a job refused by the global limit takes no slot of its provider's.
    const global = await this.leases.tryAcquire(`${this.options.keyPrefix}:global`, {
      limit: this.options.globalLimit,
      ttlMs,
    });
    if (!global) return null;
    if (!provider) return leasedSlot([global]);
    let own: Lease | null;
    try {
      own = await this.leases.tryAcquire(`${this.options.keyPrefix}:provider:${provider.name}`, {
        limit: provider.limit,
        ttlMs,
      });
    } catch (error) {
      await global.release();
      throw error;
    }
    if (own) return leasedSlot([global, own]);
    await global.release();
    return null;
  }
}

function leasedSlot(leases: Lease[]): JobSlot {
  return { release: async () => void (await Promise.all(leases.map((lease) => lease.release()))) };
}
