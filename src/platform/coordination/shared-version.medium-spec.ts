import IORedis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { waitFor } from '../../../test/support/wait-for';
import { SharedVersion } from './shared-version';

describe('a version shared by replicas through Redis', () => {
  const url = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const key = `ibt-version-${randomUUID()}`;
  const writerRedis = new IORedis(url, { maxRetriesPerRequest: 1 });
  const readerRedis = new IORedis(url, { maxRetriesPerRequest: 1 });
  const subscriber = new IORedis(url, { maxRetriesPerRequest: null });
  const writer = new SharedVersion(writerRedis, key);
  const reader = new SharedVersion(readerRedis, key);
  reader.watch(subscriber);

  afterAll(async () => {
    await writerRedis.del(key);
    for (const c of [writerRedis, readerRedis, subscriber]) c.disconnect();
  });

  it("tells a watching replica of another replica's bump, and never goes back", async () => {
    // The watching replica's subscription is in place.
    await waitFor(
      async () => {
        const [, subscribers] = (await writerRedis.pubsub('NUMSUB', `${key}:bumped`)) as [string, number];
        return Number(subscribers) > 0;
      },
      5_000,
      10,
    );
    const before = Number(await reader.current());
    for (let i = 1; i <= 5; i++) {
      await writer.bump();
      const deadline = Date.now() + 2_000;
      while (Number(await reader.current()) < before + i && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 5));
      }
      expect(Number(await reader.current())).toBe(before + i);
    }
    // Served from memory now: Redis is not asked for each read.
    const calls = jest.spyOn(readerRedis, 'get');
    await reader.current();
    expect(calls).not.toHaveBeenCalled();
  });
});
