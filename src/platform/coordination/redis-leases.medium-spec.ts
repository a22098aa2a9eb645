import IORedis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { LeaseWaitTimeoutError } from './lease';
import { RedisLeases } from './redis-leases';

describe('leases in Redis', () => {
  const url = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const redis = new IORedis(url, { maxRetriesPerRequest: 1 });
  const leases = new RedisLeases(redis);
  const key = () => `ibt-lease-${randomUUID()}`;
  afterAll(() => redis.disconnect());

  it('is held by one holder at a time, seen held, and free again once released', async () => {
    const lock = key();
    const held = await leases.tryAcquire(lock, { ttlMs: 5_000 });
    expect(held).not.toBeNull();
    expect(await leases.tryAcquire(lock, { ttlMs: 5_000 })).toBeNull();
    expect(await leases.isHeld(lock)).toBe(true);
    await held!.release();
    expect(await leases.isHeld(lock)).toBe(false);
    const again = await leases.tryAcquire(lock, { ttlMs: 5_000 });
    expect(again).not.toBeNull();
    await again!.release();
  });

  it('lets `limit` holders in at once', async () => {
    const slots = key();
    const held = await Promise.all([1, 2, 3].map(() => leases.tryAcquire(slots, { ttlMs: 5_000, limit: 3 })));
    expect(held.every(Boolean)).toBe(true);
    expect(await leases.tryAcquire(slots, { ttlMs: 5_000, limit: 3 })).toBeNull();
    await Promise.all(held.map((lease) => lease!.release()));
  });

  it('is renewed while held, well past its TTL', async () => {
    const lock = key();
    const held = await leases.tryAcquire(lock, { ttlMs: 300 });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await leases.isHeld(lock)).toBe(true);
    expect(held!.lost.aborted).toBe(false);
    await held!.release();
  });

  it('lapses after a holder that died, and tells a holder that comes back that it lost it', async () => {
    const lock = key();
    const stalled = new IORedis(url, { maxRetriesPerRequest: 0, lazyConnect: true });
    stalled.on('error', () => undefined);
    await stalled.connect();
    const renewFailures: string[] = [];
    const held = await new RedisLeases(stalled, (k) => renewFailures.push(k)).tryAcquire(lock, { ttlMs: 300 });
    expect(held).not.toBeNull();
    stalled.disconnect();
    await new Promise((r) => setTimeout(r, 500));
    expect(await leases.isHeld(lock)).toBe(false);
    expect(renewFailures).toContain(lock);
    const successor = await leases.tryAcquire(lock, { ttlMs: 5_000 });
    expect(successor).not.toBeNull();

    await stalled.connect();
    await new Promise((r) => setTimeout(r, 300));
    expect(held!.lost.aborted).toBe(true);
    stalled.disconnect();
    await successor!.release();
  });

  it('waits for a lease up to its longest wait, and stops waiting when the signal aborts', async () => {
    const lock = key();
    const held = await leases.tryAcquire(lock, { ttlMs: 5_000 });
    await expect(leases.acquire(lock, { ttlMs: 5_000, maxWaitMs: 100 })).rejects.toBeInstanceOf(LeaseWaitTimeoutError);
    const reason = new Error('cancelled');
    const controller = new AbortController();
    setTimeout(() => controller.abort(reason), 50);
    await expect(leases.acquire(lock, { ttlMs: 5_000, maxWaitMs: 10_000, signal: controller.signal })).rejects.toBe(
      reason,
    );
    setTimeout(() => void held!.release(), 100);
    const next = await leases.acquire(lock, { ttlMs: 5_000, maxWaitMs: 5_000 });
    await next.release();
  });
});
