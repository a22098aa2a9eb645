import { randomUUID } from 'node:crypto';
import type IORedis from 'ioredis';

/**
 * Takes a slot in every key (global first, then the provider's) or in none.
 * Each key is a sorted set of lease tokens scored by expiry on Redis's clock,
 * so a slot held by a worker that died comes back when its lease runs out.
 * KEYS: the sets; ARGV: lease ms, token, then one limit per key.
 */
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
  if redis.call('ZCARD', key) >= tonumber(ARGV[i + 2]) then return 0 end
end
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, now + lease, ARGV[2])
  redis.call('PEXPIRE', key, lease)
end
return 1`;

/** Pushes the lease of a held slot forward. KEYS: the sets; ARGV: lease ms, token. */
const RENEW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, now + tonumber(ARGV[1]), ARGV[2])
  redis.call('PEXPIRE', key, tonumber(ARGV[1]))
end
return 1`;

export interface JobConcurrencyGateOptions {
  /** Prefix of the gate's keys, e.g. `${REDIS_PREFIX}:job-slots`. */
  keyPrefix: string;
  /** Jobs running at once across every process. */
  globalLimit: number;
  /** How long a slot outlives its holder's last renewal; renewed every third of it. */
  leaseMs: number;
  onRenewFailure?: (error: Error) => void;
}

/** The provider a job works on, and how many of its jobs may run at once. */
export interface ProviderLimit {
  name: string;
  limit: number;
}

/** A held slot: keeps its lease alive until released. */
export interface JobSlot {
  release(): Promise<void>;
}

/**
 * How many jobs run at once across every worker process: a global limit and
 * one per provider connection, held in Redis (the same lease idea as the
 * provider call limiter in src/http/redis-concurrency-limiter.ts, but taken
 * atomically over two limits and never waited for: a worker that finds no
 * slot gives its queue slot back instead of spinning).
 */
export class JobConcurrencyGate {
  constructor(
    private readonly redis: IORedis,
    private readonly options: JobConcurrencyGateOptions,
  ) {}

  /** A slot under both limits, or null when either is reached. */
  async tryAcquire(provider: ProviderLimit | null): Promise<JobSlot | null> {
    const keys = [`${this.options.keyPrefix}:global`];
    const limits = [this.options.globalLimit];
    if (provider) {
      keys.push(`${this.options.keyPrefix}:provider:${provider.name}`);
      limits.push(provider.limit);
    }
    const token = randomUUID();
    const granted = await this.redis.eval(ACQUIRE, keys.length, ...keys, this.options.leaseMs, token, ...limits);
    if (granted !== 1) return null;
    return new LeasedSlot(this.redis, keys, token, this.options);
  }
}

class LeasedSlot implements JobSlot {
  private readonly timer: NodeJS.Timeout;
  private released = false;

  constructor(
    private readonly redis: IORedis,
    private readonly keys: string[],
    private readonly token: string,
    private readonly options: JobConcurrencyGateOptions,
  ) {
    // A transfer may run for hours; the lease only has to outlive one missed renewal.
    this.timer = setInterval(() => void this.renew(), Math.max(100, Math.floor(options.leaseMs / 3)));
    this.timer.unref();
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    clearInterval(this.timer);
    const release = this.redis.multi();
    for (const key of this.keys) release.zrem(key, this.token);
    // When Redis is away the lease expires on its own.
    await release.exec().catch(() => undefined);
  }

  private async renew(): Promise<void> {
    if (this.released) return;
    try {
      await this.redis.eval(RENEW, this.keys.length, ...this.keys, this.options.leaseMs, this.token);
    } catch (error) {
      this.options.onRenewFailure?.(error as Error);
    }
  }
}
