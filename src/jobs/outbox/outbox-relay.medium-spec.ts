import { PrismaPg } from '@prisma/adapter-pg';
import { dropDatabase, isolatedNames } from '../../../harness/isolated-resources';
import { waitFor } from '../../../test/support/wait-for';
import { bootstrapDatabase } from '../../platform/persistence/database-bootstrap';
import { PrismaClient } from '../../platform/persistence/generated/client';
import type { BrokerJobType } from '../job-types';
import { LostJobSweep } from './lost-job-sweep';
import { OutboxRelay } from './outbox-relay';

/** Stands in for BullMQ: records enqueues by job id (deduplicated, as BullMQ does), refuses while `down`. */
class FakeQueue {
  readonly calls: string[] = [];
  readonly held = new Set<string>();
  down = false;
  delayMs = 0;

  enqueue = async (_type: BrokerJobType, jobId: string): Promise<void> => {
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.down) throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
    this.calls.push(jobId);
    this.held.add(jobId);
  };
}

describe('the job outbox relay', () => {
  const names = isolatedNames('outbox-relay');
  let db: PrismaClient;

  beforeAll(async () => {
    await bootstrapDatabase(names.databaseUrl);
    db = new PrismaClient({ adapter: new PrismaPg({ connectionString: names.databaseUrl, max: 6 }) });
  });
  afterAll(async () => {
    await db?.$disconnect();
    await dropDatabase(names.database);
  });
  beforeEach(async () => {
    await db.$executeRaw`TRUNCATE jobs CASCADE`;
  });

  async function createJobs(count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const job = await db.$transaction(async (tx) => {
        const row = await tx.job.create({ data: { type: 'sync', payload: { provider: 'p', trigger: 'api' } } });
        await tx.jobOutbox.create({ data: { jobId: row.id } });
        return row;
      });
      ids.push(job.id);
    }
    return ids;
  }

  it('enqueues every outbox row under its job id and then deletes it', async () => {
    const ids = await createJobs(3);
    const queue = new FakeQueue();
    const result = await new OutboxRelay(db, queue.enqueue).relayBatch();
    expect(result).toEqual({ claimed: 3, enqueued: 3, failed: 0 });
    expect(queue.calls).toEqual(ids);
    expect(await db.jobOutbox.count()).toBe(0);
  });

  it('keeps a row it could not enqueue, with its attempts, error and a later turn', async () => {
    const [id] = await createJobs(1);
    const queue = new FakeQueue();
    queue.down = true;
    const relay = new OutboxRelay(db, queue.enqueue);
    const claimedAfter = Date.now();
    expect(await relay.relayBatch()).toEqual({ claimed: 1, enqueued: 0, failed: 1 });
    const kept = await db.jobOutbox.findUniqueOrThrow({ where: { jobId: id } });
    expect(kept.attempts).toBe(1);
    expect(kept.lastError).toContain('ECONNREFUSED');
    // Its turn is the first backoff (250 ms) after the failed claim. Measured from before the
    // claim, not from now: on a loaded machine those 250 ms may already have passed here.
    expect(kept.availableAt.getTime()).toBeGreaterThanOrEqual(claimedAfter + 200);
    // Not offered again before its turn (pushed a minute out, so a slow machine cannot reach it).
    await db.jobOutbox.update({ where: { jobId: id }, data: { availableAt: new Date(Date.now() + 60_000) } });
    expect(await relay.relayBatch()).toEqual({ claimed: 0, enqueued: 0, failed: 0 });
    await db.jobOutbox.update({ where: { jobId: id }, data: { availableAt: new Date(Date.now() - 1) } });
    queue.down = false;
    expect(await relay.relayBatch()).toEqual({ claimed: 1, enqueued: 1, failed: 0 });
    expect(await db.jobOutbox.count()).toBe(0);
  });

  it('never hands one row to two relays running at once', async () => {
    const ids = await createJobs(20);
    const queue = new FakeQueue();
    queue.delayMs = 20;
    const relays = [1, 2, 3].map(() => new OutboxRelay(db, queue.enqueue, { batchSize: 5 }));
    while ((await db.jobOutbox.count()) > 0) await Promise.all(relays.map((r) => r.relayBatch()));
    expect([...queue.calls].sort()).toEqual([...ids].sort());
  });

  it('relays a row written after it went idle as soon as it is woken, and stops without a half-done batch', async () => {
    const queue = new FakeQueue();
    const relay = new OutboxRelay(db, queue.enqueue, { idlePollMs: 60_000 });
    const batches = jest.spyOn(relay, 'relayBatch');
    relay.start();
    // Its first batch finds nothing: the relay is idle after it, for a minute.
    await waitFor(async () => batches.mock.results.length > 0, 5_000, 5);
    await batches.mock.results[0].value;
    const [id] = await createJobs(1);
    relay.wake();
    const deadline = Date.now() + 5_000;
    while (!queue.held.has(id) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(queue.calls).toEqual([id]);
    queue.delayMs = 200;
    await createJobs(2);
    const batchesBefore = batches.mock.calls.length;
    relay.wake();
    // Stop while the batch the wake-up started is under way (each enqueue takes 200 ms).
    await waitFor(async () => batches.mock.calls.length > batchesBefore, 5_000, 5);
    await relay.stop();
    // Whatever the stop interrupted was either relayed and deleted, or left whole for the next relay.
    const left = await db.jobOutbox.count();
    expect(queue.calls.length - 1 + left).toBe(2);
  });

  it('gives a live job that BullMQ lost back to the outbox, and leaves held and ended jobs alone', async () => {
    const [lost, held, ended] = await createJobs(3);
    await db.jobOutbox.deleteMany({});
    await db.job.update({ where: { id: ended }, data: { state: 'succeeded' } });
    const queue = new FakeQueue();
    queue.held.add(held);
    const sweep = new LostJobSweep(db, async (_type, jobId) => queue.held.has(jobId));
    expect(await sweep.sweep()).toEqual([lost]);
    expect(await sweep.sweep()).toEqual([]);
    await new OutboxRelay(db, queue.enqueue).relayBatch();
    expect(queue.calls).toEqual([lost]);
  });

  it('puts a running job whose worker and BullMQ entry are gone back to queued', async () => {
    const [id] = await createJobs(1);
    await db.jobOutbox.deleteMany({});
    await db.$executeRaw`UPDATE jobs SET state = 'running', updated_at = now() - interval '1 minute' WHERE id = ${id}::uuid`;
    const sweep = new LostJobSweep(db, async () => false);
    expect(await sweep.sweep()).toEqual([id]);
    expect((await db.job.findUniqueOrThrow({ where: { id } })).state).toBe('queued');
    expect(await db.jobOutbox.count()).toBe(1);
  });
});
