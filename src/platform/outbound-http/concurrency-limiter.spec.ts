import IORedis from 'ioredis';
import { randomUUID } from 'node:crypto';
import type { ConcurrencyLimiter } from './concurrency-limiter';
import { RedisConcurrencyLimiter } from './redis-concurrency-limiter';

async function peakConcurrency(limiters: ConcurrencyLimiter[], calls: number): Promise<number> {
  let active = 0;
  let peak = 0;
  await Promise.all(
    Array.from({ length: calls }, async (_, i) => {
      const release = await limiters[i % limiters.length].acquire();
      active += 1;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, 5));
      active -= 1;
      release();
    }),
  );
  return peak;
}

describe('the limit on concurrent calls to a provider', () => {
  describe('in Redis, shared by every replica', () => {
    const redis = new IORedis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
    const key = `ibt-limiter-${randomUUID()}`;
    afterAll(async () => {
      await redis.del(key);
      redis.disconnect();
    });

    it('holds the limit across limiters that share the key, as replicas would', async () => {
      const limiters = [1, 2, 3].map(
        () => new RedisConcurrencyLimiter(redis, { key, limit: 4, leaseMs: 10_000, maxWaitMs: 10_000 }),
      );
      expect(await peakConcurrency(limiters, 40)).toBe(4);
      expect(await redis.zcard(key)).toBe(0);
    });

    it('frees the slot of a holder that died once its lease runs out', async () => {
      const limiter = new RedisConcurrencyLimiter(redis, {
        key: `${key}-lease`,
        limit: 1,
        leaseMs: 200,
        maxWaitMs: 5_000,
      });
      await limiter.acquire(); // never released, like a process killed mid-call
      const started = Date.now();
      const release = await limiter.acquire();
      expect(Date.now() - started).toBeGreaterThanOrEqual(100);
      release();
      await redis.del(`${key}-lease`);
    });

    it('gives up after its longest wait', async () => {
      const limiter = new RedisConcurrencyLimiter(redis, {
        key: `${key}-full`,
        limit: 1,
        leaseMs: 5_000,
        maxWaitMs: 100,
      });
      const release = await limiter.acquire();
      await expect(limiter.acquire()).rejects.toThrow(/no free call slot after 100 ms/);
      release();
      await redis.del(`${key}-full`);
    });
  });
});
