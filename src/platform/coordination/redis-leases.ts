import type IORedis from 'ioredis';
import { Mutex, Semaphore } from 'redis-semaphore';
import type { Lease, LeaseFactory, LeaseTerms, LeaseWait } from './lease';
import { LeaseWaitTimeoutError } from './lease';

/** How often a waiting acquire asks Redis again. */
const RETRY_INTERVAL_MS = 25;

/**
 * Leases held in Redis with redis-semaphore: a Mutex for a lock, a Semaphore
 * for `limit` holders, each refreshed every third of its TTL while held.
 */
export class RedisLeases implements LeaseFactory {
  constructor(
    private readonly redis: IORedis,
    /** Told when a renewal could not reach Redis; the lease is kept and lapses if Redis stays away. */
    private readonly onRenewFailure: (key: string, error: Error) => void = () => undefined,
  ) {}

  async tryAcquire(key: string, terms: LeaseTerms): Promise<Lease | null> {
    const lock = this.lock(key, terms, { acquireAttemptsLimit: 1 });
    return (await lock.tryAcquire()) ? lock.lease : null;
  }

  async acquire(key: string, terms: LeaseTerms & LeaseWait): Promise<Lease> {
    const lock = this.lock(key, terms, { acquireTimeout: terms.maxWaitMs });
    try {
      if (await lock.tryAcquire(terms.signal)) return lock.lease;
    } catch (error) {
      if (terms.signal?.aborted) throw terms.signal.reason;
      throw error;
    }
    throw new LeaseWaitTimeoutError(key, terms.maxWaitMs);
  }

  async isHeld(key: string): Promise<boolean> {
    // A Mutex holds its key with a PX expiry (redis-semaphore's `mutex:` prefix): present means held.
    return (await this.redis.exists(`mutex:${key}`)) === 1;
  }

  private lock(key: string, terms: LeaseTerms, wait: { acquireAttemptsLimit?: number; acquireTimeout?: number }) {
    const limit = terms.limit ?? 1;
    const lost = new AbortController();
    const options = {
      lockTimeout: terms.ttlMs,
      refreshInterval: Math.max(50, Math.floor(terms.ttlMs / 3)),
      retryInterval: RETRY_INTERVAL_MS,
      acquireTimeout: wait.acquireTimeout ?? terms.ttlMs,
      acquireAttemptsLimit: wait.acquireAttemptsLimit ?? Number.POSITIVE_INFINITY,
      onLockLost: (error: Error) => lost.abort(error),
    };
    const onRenewFailure = (error: Error) => this.onRenewFailure(key, error);
    const lock =
      limit === 1
        ? new RenewedMutex(this.redis, key, options, onRenewFailure)
        : new RenewedSemaphore(this.redis, key, limit, options, onRenewFailure);
    const lease: Lease = {
      lost: lost.signal,
      release: () => lock.release().catch(() => undefined),
    };
    return { tryAcquire: (signal?: AbortSignal) => lock.tryAcquire(signal), lease };
  }
}

/*
 * redis-semaphore runs its refresh on a timer and lets a refresh that cannot
 * reach Redis reject unhandled, which ends a Node process. A renewal that
 * fails is reported and counted as kept: if Redis stays away the lease lapses
 * in Redis, and the next refresh that gets through reports it lost.
 */
class RenewedMutex extends Mutex {
  constructor(
    redis: IORedis,
    key: string,
    options: ConstructorParameters<typeof Mutex>[2],
    private readonly onRenewFailure: (error: Error) => void,
  ) {
    super(redis, key, options);
  }

  protected override async _refresh(): Promise<boolean> {
    try {
      return await super._refresh();
    } catch (error) {
      this.onRenewFailure(error as Error);
      return true;
    }
  }
}

class RenewedSemaphore extends Semaphore {
  constructor(
    redis: IORedis,
    key: string,
    limit: number,
    options: ConstructorParameters<typeof Semaphore>[3],
    private readonly onRenewFailure: (error: Error) => void,
  ) {
    super(redis, key, limit, options);
  }

  protected override async _refresh(): Promise<boolean> {
    try {
      return await super._refresh();
    } catch (error) {
      this.onRenewFailure(error as Error);
      return true;
    }
  }
}
