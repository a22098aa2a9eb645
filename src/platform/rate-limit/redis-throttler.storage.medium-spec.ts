import IORedis from 'ioredis';
import { waitFor } from '../../../test/support/wait-for';
import { RedisThrottlerStorage } from './redis-throttler.storage';

describe('the rate limit counters in Redis', () => {
  const redis = new IORedis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
  const prefix = `throttle-spec-${process.pid}-${Date.now()}`;

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('counts hits in one window for every storage that shares Redis, and blocks past the limit', async () => {
    const one = new RedisThrottlerStorage(redis, prefix);
    const other = new RedisThrottlerStorage(redis, prefix);
    const hits = [];
    for (let i = 0; i < 4; i++) hits.push(await (i % 2 === 0 ? one : other).increment('key:a', 60_000, 3, 0));
    expect(hits.map((h) => [h.totalHits, h.isBlocked])).toEqual([
      [1, false],
      [2, false],
      [3, false],
      [4, true],
    ]);
    expect(hits[3].timeToBlockExpire).toBeGreaterThan(55);
    expect(hits[3].timeToBlockExpire).toBeLessThanOrEqual(60);
    expect(hits[0].timeToExpire).toBeLessThanOrEqual(60);
    // Blocked hits are not counted again, and another key has its own window.
    expect((await one.increment('key:a', 60_000, 3, 0)).totalHits).toBe(4);
    expect(await one.increment('key:b', 60_000, 3, 0)).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('starts a new window once the last one ends', async () => {
    const storage = new RedisThrottlerStorage(redis, prefix);
    expect((await storage.increment('key:short', 300, 1, 0)).isBlocked).toBe(false);
    expect((await storage.increment('key:short', 300, 1, 0)).isBlocked).toBe(true);
    // The window ends when Redis expires its counter and the block that came with it.
    const counter = `${prefix}:rate-limit:key:short`;
    await waitFor(async () => (await redis.exists(counter, `${counter}:blocked`)) === 0, 5_000, 20);
    expect(await storage.increment('key:short', 300, 1, 0)).toMatchObject({ totalHits: 1, isBlocked: false });
  });
});
