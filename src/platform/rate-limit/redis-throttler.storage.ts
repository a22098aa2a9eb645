import type { ThrottlerStorage } from '@nestjs/throttler';
import type IORedis from 'ioredis';

/** What @nestjs/throttler expects back from a storage (its ThrottlerStorageRecord). */
export interface ThrottleRecord {
  totalHits: number;
  /** Seconds until the window ends. */
  timeToExpire: number;
  isBlocked: boolean;
  /** Seconds until a blocked caller may try again. */
  timeToBlockExpire: number;
}

/**
 * One fixed window per key: the first hit starts it, every hit increments it
 * atomically, and a caller over the limit stays blocked for blockDuration.
 * Returns [hits, window ms left, block ms left].
 */
const INCREMENT = `
local blockKey = KEYS[1] .. ':blocked'
local blockLeft = redis.call('PTTL', blockKey)
if blockLeft > 0 then
  return { tonumber(redis.call('GET', KEYS[1]) or '0'), redis.call('PTTL', KEYS[1]), blockLeft }
end
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local left = redis.call('PTTL', KEYS[1])
if left < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  left = tonumber(ARGV[1])
end
if hits > tonumber(ARGV[2]) then
  redis.call('SET', blockKey, '1', 'PX', ARGV[3])
  return { hits, left, tonumber(ARGV[3]) }
end
return { hits, left, 0 }
`;

/**
 * The rate limiter's counters in Redis, so a key's limit is one limit however
 * many API replicas it is spread across.
 */
export class RedisThrottlerStorage implements ThrottlerStorage {
  constructor(
    private readonly redis: IORedis,
    private readonly prefix: string,
  ) {}

  async increment(key: string, ttl: number, limit: number, blockDuration: number): Promise<ThrottleRecord> {
    const block = blockDuration > 0 ? blockDuration : ttl;
    const [hits, windowLeft, blockLeft] = (await this.redis.eval(
      INCREMENT,
      1,
      `${this.prefix}:rate-limit:${key}`,
      String(ttl),
      String(limit),
      String(block),
    )) as [number, number, number];
    return {
      totalHits: hits,
      timeToExpire: Math.max(0, Math.ceil(windowLeft / 1000)),
      isBlocked: blockLeft > 0,
      timeToBlockExpire: Math.max(0, Math.ceil(blockLeft / 1000)),
    };
  }
}
