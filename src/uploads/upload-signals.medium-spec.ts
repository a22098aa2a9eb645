import IORedis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { REDIS_URL } from '../../harness/isolated-resources';
import { UploadSignals } from './upload-signals';
import { scenarioDelay } from '../../test/support/wait-for';

describe("an upload's signals between its intake and its push, over Redis pub/sub", () => {
  const prefix = `ibt-signals-${randomUUID()}`;
  const publisher = new IORedis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const subscriber = new IORedis(REDIS_URL, { maxRetriesPerRequest: null });
  const intake = new UploadSignals(publisher, null, prefix);
  const push = new UploadSignals(publisher, subscriber, prefix);

  beforeAll(async () => {
    // The subscription is up once a published signal comes through.
    const watch = push.watch('warm-up');
    for (let i = 0; i < 50; i++) {
      await intake.publish('warm-up', 'staged');
      const asked = Date.now();
      await watch.next(100);
      if (Date.now() - asked < 90) break;
    }
    watch.close();
  });
  afterAll(() => {
    publisher.disconnect();
    subscriber.disconnect();
  });

  it("wakes the waiter of that upload at once, and no other upload's", async () => {
    const mine = push.watch('upload-a');
    const other = push.watch('upload-b');
    const started = Date.now();
    const woken = mine.next(5_000);
    const otherWoken = other.next(600).then(() => Date.now() - started);
    await intake.publish('upload-a', 'staged');
    await woken;
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await otherWoken).toBeGreaterThanOrEqual(550);
    mine.close();
    other.close();
  });

  it('keeps a signal that came between two waits for the next one', async () => {
    const watch = push.watch('upload-c');
    await intake.publish('upload-c', 'ended');
    await scenarioDelay(200); // the signal arrives while nobody waits
    const started = Date.now();
    await watch.next(5_000);
    expect(Date.now() - started).toBeLessThan(100);
    watch.close();
  });

  it('gives up waiting after its timeout, and rejects with the reason when aborted', async () => {
    const watch = push.watch('upload-d');
    const started = Date.now();
    await watch.next(150);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    const abort = new AbortController();
    const waiting = watch.next(5_000, abort.signal);
    abort.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
    watch.close();
  });
});
