/**
 * A limit on calls in flight to one provider connection. The broker's limiter
 * lives in Redis so the limit holds across every API and worker replica
 * (redis-concurrency-limiter.ts); within one process the connection policy's
 * bulkhead bounds them.
 */
export interface ConcurrencyLimiter {
  /** Resolves with a release function once a slot is free; rejects when `signal` aborts. */
  acquire(signal?: AbortSignal): Promise<() => void>;
}
