/**
 * A renewable lease in shared storage: held while its holder lives, renewed
 * on its own, and lapsing `ttlMs` after a holder that died (killed process,
 * lost connection) last renewed it. The one coordination primitive behind the
 * provider call limit, the job gate, the replication-source lock and the
 * upload intake's liveness.
 */
export interface Lease {
  /** Aborts when a renewal found the lease gone (it lapsed while its holder stalled, and may be someone else's now). */
  readonly lost: AbortSignal;
  /** Gives the lease back; when storage is away, it lapses on its own. Idempotent. */
  release(): Promise<void>;
}

export interface LeaseTerms {
  /** How long the lease outlives its holder's last renewal; it is renewed every third of it. */
  ttlMs: number;
  /** Holders at once; 1 (a lock) when absent. */
  limit?: number;
}

export interface LeaseWait {
  /** Give up after this long, with LeaseWaitTimeoutError. */
  maxWaitMs: number;
  /** Ends the wait with the signal's reason. */
  signal?: AbortSignal;
}

export interface LeaseFactory {
  /** The lease now, or null when `limit` holders have it. */
  tryAcquire(key: string, terms: LeaseTerms): Promise<Lease | null>;
  /** Waits for the lease; rejects with LeaseWaitTimeoutError after `maxWaitMs`. */
  acquire(key: string, terms: LeaseTerms & LeaseWait): Promise<Lease>;
  /** Whether a live holder has the lock `key` (a lease of limit 1). */
  isHeld(key: string): Promise<boolean>;
}

/** Injection token of the broker's LeaseFactory. */
export const LEASES = Symbol('LEASES');

export class LeaseWaitTimeoutError extends Error {
  constructor(
    readonly key: string,
    readonly waitedMs: number,
  ) {
    super(`lease ${key} not free after ${waitedMs} ms`);
    this.name = 'LeaseWaitTimeoutError';
  }
}
