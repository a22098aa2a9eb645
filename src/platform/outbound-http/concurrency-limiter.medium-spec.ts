import IORedis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { RedisLeases } from '../coordination/redis-leases';
import { type ConcurrencyLimiter, leasedCallLimiter, type LeasedCallLimiterOptions } from './concurrency-limiter';

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
    const limiter = (options: LeasedCallLimiterOptions, connection = redis) =>
      leasedCallLimiter(new RedisLeases(connection), options);
    afterAll(async () => {
      await redis.del(`semaphore:${key}`);
      redis.disconnect();
    });

    it('holds the limit across limiters that share the key, as replicas would', async () => {
      const limiters = [1, 2, 3].map(() => limiter({ key, limit: 4, leaseMs: 10_000, maxWaitMs: 10_000 }));
      expect(await peakConcurrency(limiters, 40)).toBe(4);
      // Releases are not awaited by the caller: give the last one its round trip.
      await new Promise((r) => setTimeout(r, 50));
      expect(await redis.zcard(`semaphore:${key}`)).toBe(0);
    });

    it('frees the slot of a holder that died once its lease runs out', async () => {
      const options = { key: `${key}-lease`, limit: 1, leaseMs: 200, maxWaitMs: 5_000 };
      // A process killed mid-call: it never releases, and its connection to Redis (so its renewals) goes with it.
      const dyingRedis = new IORedis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', {
        maxRetriesPerRequest: 0,
      });
      dyingRedis.on('error', () => undefined);
      await limiter(options, dyingRedis).acquire();
      dyingRedis.disconnect();
      const started = Date.now();
      const release = await limiter(options).acquire();
      expect(Date.now() - started).toBeGreaterThanOrEqual(100);
      release();
      await redis.del(`semaphore:${key}-lease`);
    });

    it('gives up after its longest wait', async () => {
      const full = limiter({ key: `${key}-full`, limit: 1, leaseMs: 5_000, maxWaitMs: 100 });
      const release = await full.acquire();
      await expect(full.acquire()).rejects.toThrow(/no free call slot after 100 ms/);
      release();
      await redis.del(`semaphore:${key}-full`);
    });
  });
});
