import { randomUUID } from 'node:crypto';
import type IORedis from 'ioredis';
import type { ConcurrencyLimiter } from './concurrency-limiter';

/**
 * Leases in a Redis sorted set, scored by expiry: a slot held by a process
 * that died frees itself when its lease runs out. Redis's own clock is used,
 * so replicas with skewed clocks agree.
 */
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), ARGV[3])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]))
  return 1
end
return 0`;

export interface RedisConcurrencyLimiterOptions {
  key: string;
  limit: number;
  /** Longest a slot may be held; longer than any single call's timeout. */
  leaseMs: number;
  /** Give up waiting for a slot after this long. */
  maxWaitMs: number;
}

export class RedisConcurrencyLimiter implements ConcurrencyLimiter {
  constructor(
    private readonly redis: IORedis,
    private readonly options: RedisConcurrencyLimiterOptions,
  ) {}

  async acquire(signal?: AbortSignal): Promise<() => void> {
    const token = randomUUID();
    const deadline = Date.now() + this.options.maxWaitMs;
    let pause = 10;
    for (;;) {
      signal?.throwIfAborted();
      const granted = await this.redis.eval(
        ACQUIRE,
        1,
        this.options.key,
        this.options.leaseMs,
        this.options.limit,
        token,
      );
      if (granted === 1) {
        return () => void this.redis.zrem(this.options.key, token).catch(() => undefined);
      }
      if (Date.now() > deadline) {
        throw new Error(`no free call slot after ${this.options.maxWaitMs} ms (limit ${this.options.limit})`);
      }
      await new Promise((r) => setTimeout(r, pause + Math.random() * pause));
      pause = Math.min(pause * 2, 200);
    }
  }
}
