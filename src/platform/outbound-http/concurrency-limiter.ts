/**
 * A limit on calls in flight to one provider connection. The broker's limiter
 * lives in Redis so the limit holds across every API and worker replica
 * (src/http/redis-concurrency-limiter.ts); tests and single-process tools may
 * use the local one.
 */
export interface ConcurrencyLimiter {
  /** Resolves with a release function once a slot is free; rejects when `signal` aborts. */
  acquire(signal?: AbortSignal): Promise<() => void>;
}

/** In-process limiter: a counter and a FIFO of waiters. */
export class LocalConcurrencyLimiter implements ConcurrencyLimiter {
  private active = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  async acquire(signal?: AbortSignal): Promise<() => void> {
    while (this.active >= this.limit) {
      signal?.throwIfAborted();
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => reject(signal?.reason);
        signal?.addEventListener('abort', onAbort, { once: true });
        this.waiters.push(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        });
      });
    }
    this.active += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active -= 1;
      this.waiters.shift()?.();
    };
  }
}
