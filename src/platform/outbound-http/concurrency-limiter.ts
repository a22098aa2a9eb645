import { type LeaseFactory, LeaseWaitTimeoutError } from '../coordination/lease';

/**
 * A limit on calls in flight to one provider connection. The broker's limiter
 * holds leases in Redis so the limit holds across every API and worker replica
 * (leasedCallLimiter); within one process the connection policy's bulkhead
 * bounds them.
 */
export interface ConcurrencyLimiter {
  /** Resolves with a release function once a slot is free; rejects when `signal` aborts. */
  acquire(signal?: AbortSignal): Promise<() => void>;
}

export interface LeasedCallLimiterOptions {
  key: string;
  limit: number;
  /** How long the slot of a holder that died stays taken; renewed while the call runs. */
  leaseMs: number;
  /** Give up waiting for a slot after this long. */
  maxWaitMs: number;
}

/** One lease of `limit` per call: the slot of a process killed mid-call comes back when its lease lapses. */
export function leasedCallLimiter(leases: LeaseFactory, options: LeasedCallLimiterOptions): ConcurrencyLimiter {
  return {
    async acquire(signal) {
      try {
        const lease = await leases.acquire(options.key, {
          limit: options.limit,
          ttlMs: options.leaseMs,
          maxWaitMs: options.maxWaitMs,
          signal,
        });
        return () => void lease.release();
      } catch (error) {
        if (!(error instanceof LeaseWaitTimeoutError)) throw error;
        throw new Error(`no free call slot after ${options.maxWaitMs} ms (limit ${options.limit})`, { cause: error });
      }
    },
  };
}
