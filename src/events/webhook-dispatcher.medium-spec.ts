import { PrismaPg } from '@prisma/adapter-pg';
import type { Client } from 'pg';
import { connectDatabase, dropDatabase, isolatedNames } from '../../harness/isolated-resources';
import { waitFor } from '../../test/support/wait-for';
import { bootstrapDatabase } from '../platform/persistence/database-bootstrap';
import { PrismaClient } from '../platform/persistence/generated/client';
import { HELD, WebhookDispatcher } from './webhook-dispatcher';
import type { SendOutcome } from './webhook-sender';

const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

/** Stands in for receivers: answers per key, and notices two sends of one key at once. */
class FakeReceivers {
  readonly delivered = new Map<string, string[]>();
  readonly attempts: string[] = [];
  readonly overlaps: string[] = [];
  readonly failing = new Set<string>();
  private readonly inFlight = new Set<string>();

  send = async (_url: URL, _t: unknown, headers: Record<string, string>, body: string): Promise<SendOutcome> => {
    const key = String((JSON.parse(body) as { data: { key: string } }).data.key);
    if (this.inFlight.has(key)) this.overlaps.push(key);
    this.inFlight.add(key);
    this.attempts.push(`${key}:${headers['webhook-id']}`);
    await new Promise((r) => setTimeout(r, 5));
    this.inFlight.delete(key);
    if (this.failing.has(key)) return { statusCode: 503, error: 'answered 503', response: null, durationMs: 5 };
    this.delivered.set(key, [...(this.delivered.get(key) ?? []), headers['webhook-id']]);
    return { statusCode: 204, error: null, response: null, durationMs: 5 };
  };
}

describe('the webhook dispatcher', () => {
  const names = isolatedNames('webhook-dispatch');
  let db: PrismaClient;
  let longWriter: Client;

  beforeAll(async () => {
    await bootstrapDatabase(names.databaseUrl);
    db = new PrismaClient({ adapter: new PrismaPg({ connectionString: names.databaseUrl, max: 8 }) });
    longWriter = await connectDatabase(names.databaseUrl);
  });
  afterAll(async () => {
    await longWriter?.end();
    await db?.$disconnect();
    await dropDatabase(names.database);
  });
  beforeEach(async () => {
    await db.$executeRawUnsafe('TRUNCATE webhooks, webhook_deliveries, events CASCADE');
  });

  function dispatcher(receivers: FakeReceivers): WebhookDispatcher {
    return new WebhookDispatcher(
      {
        db,
        openSecret: () => SECRET,
        resolve: () => Promise.resolve({ address: '127.0.0.1', family: 4 }),
        send: receivers.send,
        log: () => undefined,
      },
      { retryBaseMs: 20, timeoutMs: 1_000, batchSize: 3, idleMs: 10 },
    );
  }

  async function webhook(): Promise<string> {
    const row = await db.webhook.create({
      data: { url: 'http://127.0.0.1:9/hook', events: ['job.succeeded'], secret: new Uint8Array([1]), createdBy: 't' },
    });
    return row.id;
  }

  async function record(key: string, count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const e = await db.event.create({
        data: { type: 'job.succeeded', subject: `jobs/${key}-${i}`, orderingKey: key, data: { key } },
      });
      ids.push(String(e.id));
    }
    return ids;
  }

  /** Rounds of both dispatchers at once, as two worker processes run them, until `done`. */
  async function runUntil(workers: WebhookDispatcher[], done: () => boolean, rounds = 400): Promise<void> {
    for (let i = 0; i < rounds && !done(); i++) {
      await Promise.all(workers.map(async (w) => (await w.fanOut()) + (await w.deliverDue())));
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  it('delivers each ordering key in order across two workers; a failing key holds back only its own', async () => {
    await webhook();
    const a = await record('a', 4);
    const b = await record('b', 4);
    const receivers = new FakeReceivers();
    receivers.failing.add('a');
    const workers = [dispatcher(receivers), dispatcher(receivers)];

    await runUntil(workers, () => (receivers.delivered.get('b') ?? []).length === 4);
    expect(receivers.delivered.get('b')).toEqual(b);
    expect(receivers.delivered.get('a')).toBeUndefined();
    // Only the head of `a` was tried, again and again: its later events waited.
    const triedA = new Set(receivers.attempts.filter((x) => x.startsWith('a:')));
    expect([...triedA]).toEqual([`a:${a[0]}`]);

    receivers.failing.delete('a');
    await runUntil(workers, () => (receivers.delivered.get('a') ?? []).length === 4);
    expect(receivers.delivered.get('a')).toEqual(a);
    expect(receivers.overlaps).toEqual([]);
    const rows = await db.webhookDelivery.findMany({ orderBy: { seq: 'asc' } });
    expect(rows.every((r) => r.state === 'delivered')).toBe(true);
    const head = rows.find((r) => String(r.eventId) === a[0])!;
    expect(head.attempts).toBeGreaterThan(1);
    expect((head.log as Array<{ statusCode: number }>).map((l) => l.statusCode).at(-1)).toBe(204);
  });

  it('fans out an event a long transaction commits late, before the later ones it held back', async () => {
    await webhook();
    const receivers = new FakeReceivers();
    const worker = dispatcher(receivers);
    await longWriter.query('BEGIN');
    const { rows } = await longWriter.query<{ id: string }>(
      `INSERT INTO events (type, subject, ordering_key, data) VALUES ('job.succeeded', 'late', 'k', '{"key":"k"}') RETURNING id`,
    );
    const [early] = await record('k', 1);
    expect(await worker.fanOut()).toBe(0);
    await longWriter.query('COMMIT');
    await runUntil([worker], () => (receivers.delivered.get('k') ?? []).length === 2);
    expect(receivers.delivered.get('k')).toEqual([rows[0].id, early]);
  });

  it('does not deliver events of transactions that ended before the webhook was registered', async () => {
    await record('old', 2);
    // Registered once their transactions are below the horizon (another database's transaction may hold it a moment).
    await waitFor(async () => {
      const [{ ended }] = await db.$queryRawUnsafe<Array<{ ended: boolean }>>(
        'SELECT max(tx_id) < pg_snapshot_xmin(pg_current_snapshot()) AS ended FROM events',
      );
      return ended;
    });
    await webhook();
    const fresh = await record('new', 1);
    const receivers = new FakeReceivers();
    await runUntil([dispatcher(receivers)], () => receivers.delivered.has('new'));
    expect(receivers.delivered.get('new')).toEqual(fresh);
    expect(receivers.delivered.has('old')).toBe(false);
  });
  it('keeps a backlog behind a failing head held, so a round reads only the heads of the keys', async () => {
    await webhook();
    const x = await record('x', 50);
    await record('y', 3);
    const receivers = new FakeReceivers();
    receivers.failing.add('x');
    const worker = dispatcher(receivers);
    await worker.fanOut();
    const due = async () =>
      (
        await db.$queryRawUnsafe<Array<{ key: string }>>(
          `SELECT ordering_key AS key FROM webhook_deliveries WHERE state = 'pending' AND next_attempt_at < ${HELD} ORDER BY seq`,
        )
      ).map((r) => r.key);
    expect(await due()).toEqual(['x', 'y']);
    await runUntil([worker], () => (receivers.delivered.get('y') ?? []).length === 3);
    // y went one after another; x's head was tried and waits, its 49 followers were never due.
    expect(await due()).toEqual(['x']);
    receivers.failing.delete('x');
    await runUntil([worker], () => (receivers.delivered.get('x') ?? []).length === 50, 2_000);
    expect(receivers.delivered.get('x')).toEqual(x);
  });

  it('makes due a held delivery that nothing precedes (a fan-out that raced the end of the one before it)', async () => {
    await webhook();
    const [only] = await record('z', 1);
    const receivers = new FakeReceivers();
    const worker = dispatcher(receivers);
    await worker.fanOut();
    await db.$executeRawUnsafe(`UPDATE webhook_deliveries SET next_attempt_at = ${HELD}`);
    expect(await worker.deliverDue()).toBe(0);
    expect(await worker.unholdHeads()).toBe(1);
    await runUntil([worker], () => receivers.delivered.has('z'));
    expect(receivers.delivered.get('z')).toEqual([only]);
  });
});
