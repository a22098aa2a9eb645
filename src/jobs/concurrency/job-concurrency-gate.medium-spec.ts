import { randomUUID } from 'node:crypto';
import IORedis from 'ioredis';
import { quietPeriod, waitFor } from '../../../test/support/wait-for';
import { RedisLeases } from '../../platform/coordination/redis-leases';
import { JobConcurrencyGate, type JobConcurrencyGateOptions, type JobSlot } from './job-concurrency-gate';

describe('the job concurrency gate', () => {
  const redis = new IORedis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
  const prefixes: string[] = [];

  /** Two gates on one key prefix: two worker processes of one deployment. */
  function gates(options: Partial<JobConcurrencyGateOptions> = {}): [JobConcurrencyGate, JobConcurrencyGate] {
    const keyPrefix = `ibt-gate-${randomUUID()}`;
    prefixes.push(keyPrefix);
    const all = { keyPrefix, globalLimit: 100, leaseMs: 10_000, ...options };
    return [new JobConcurrencyGate(new RedisLeases(redis), all), new JobConcurrencyGate(new RedisLeases(redis), all)];
  }

  afterAll(async () => {
    for (const prefix of prefixes) {
      const keys = await redis.keys(`*${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
    }
    redis.disconnect();
  });

  it("holds one provider's limit across processes and frees a slot when it is released", async () => {
    const [a, b] = gates();
    const provider = { name: 'nhn-kr1', limit: 2 };
    const first = await a.tryAcquire(provider);
    const second = await b.tryAcquire(provider);
    expect(first).not.toBeNull();
    expect(second).not.toBeNull();
    expect(await a.tryAcquire(provider)).toBeNull();
    expect(await b.tryAcquire(provider)).toBeNull();
    // Another provider is not held back by this one.
    const other = await b.tryAcquire({ name: 'vietnix-hcm', limit: 2 });
    expect(other).not.toBeNull();
    await first!.release();
    const third = await b.tryAcquire(provider);
    expect(third).not.toBeNull();
    await Promise.all([second, other, third].map((s) => s!.release()));
  });

  it('holds the global limit over every provider and takes no provider slot when the global one is full', async () => {
    const [a, b] = gates({ globalLimit: 3 });
    const held: JobSlot[] = [];
    for (const [gate, name] of [
      [a, 'p1'],
      [b, 'p2'],
      [a, 'p3'],
    ] as const) {
      held.push((await gate.tryAcquire({ name, limit: 8 }))!);
    }
    expect(held.every(Boolean)).toBe(true);
    expect(await b.tryAcquire({ name: 'p4', limit: 8 })).toBeNull();
    expect(await b.tryAcquire(null)).toBeNull();
    await held[0].release();
    const p4 = await b.tryAcquire({ name: 'p4', limit: 1 });
    expect(p4).not.toBeNull();
    // p4's refused attempt above left nothing behind: its single slot was free.
    await Promise.all([...held.slice(1), p4!].map((s) => s.release()));
  });

  it('gives back the slot of a holder that died once its lease runs out, and keeps a live holder counted', async () => {
    const [a, b] = gates({ leaseMs: 600 });
    const provider = { name: 'fpt', limit: 1 };
    const alive = await a.tryAcquire(provider);
    expect(alive).not.toBeNull();
    // Renewed every third of the lease: still held well past one lease.
    await quietPeriod(1_500);
    expect(await b.tryAcquire(provider)).toBeNull();
    await alive!.release();

    // A process that dies renews nothing: its own connection to Redis goes away with it.
    const dyingRedis = new IORedis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 0 });
    dyingRedis.on('error', () => undefined);
    const dying = new JobConcurrencyGate(new RedisLeases(dyingRedis), {
      keyPrefix: prefixes[prefixes.length - 1],
      globalLimit: 100,
      leaseMs: 600,
    });
    const dead = await dying.tryAcquire(provider);
    expect(dead).not.toBeNull();
    dyingRedis.disconnect();
    expect(await b.tryAcquire(provider)).toBeNull();
    // Free once the dead holder's 600 ms lease runs out.
    let after: JobSlot | null = null;
    await waitFor(async () => (after = await b.tryAcquire(provider)) !== null, 5_000, 50);
    expect(after).not.toBeNull();
    await after!.release();
  });
});
