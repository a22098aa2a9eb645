import { PrismaPg } from '@prisma/adapter-pg';
import type { Client } from 'pg';
import { connectDatabase, dropDatabase, isolatedNames } from '../../harness/isolated-resources';
import { waitFor } from '../../test/support/wait-for';
import { bootstrapDatabase } from '../platform/persistence/database-bootstrap';
import { PrismaClient } from '../platform/persistence/generated/client';
import { EventFeedReader, type FeedPage } from './event-feed.reader';

describe('the event feed', () => {
  const names = isolatedNames('event-feed');
  let db: PrismaClient;
  let longWriter: Client;
  let feed: EventFeedReader;

  beforeAll(async () => {
    await bootstrapDatabase(names.databaseUrl);
    db = new PrismaClient({ adapter: new PrismaPg({ connectionString: names.databaseUrl, max: 4 }) });
    longWriter = await connectDatabase(names.databaseUrl);
    feed = new EventFeedReader(db);
  });
  afterAll(async () => {
    await longWriter?.end();
    await db?.$disconnect();
    await dropDatabase(names.database);
  });

  async function record(subject: string): Promise<void> {
    await db.event.create({ data: { type: 'job.succeeded', subject, orderingKey: 'k', data: {} } });
  }

  /** Pages from `after` until the feed shows `count` events (other databases' transactions may hold it back a moment). */
  async function readUntil(after: string | undefined, count: number): Promise<FeedPage> {
    let page: FeedPage = { items: [], nextCursor: '' };
    await waitFor(async () => {
      page = await feed.page(after, undefined, 100);
      return page.items.length >= count;
    });
    return page;
  }

  it('does not skip an event a long transaction commits after later events were read', async () => {
    await record('first');
    const first = await readUntil(undefined, 1);
    expect(first.items.map((e) => e.subject)).toEqual(['first']);

    // A long transaction writes its event (taking the lower id) and stays open …
    await longWriter.query('BEGIN');
    const { rows } = await longWriter.query<{ id: string }>(
      `INSERT INTO events (type, subject, ordering_key, data) VALUES ('job.failed', 'late', 'k', '{}') RETURNING id`,
    );
    // … while a short one writes and commits a later event.
    await record('early');
    const early = await db.event.findFirstOrThrow({ where: { subject: 'early' } });
    expect(BigInt(rows[0].id)).toBeLessThan(early.id);

    // The committed later event is held back until the long transaction ends, so the cursor cannot pass the late one.
    const during = await feed.page(first.nextCursor, undefined, 100);
    expect(during.items).toEqual([]);
    expect(during.nextCursor).toBe(first.nextCursor);

    await longWriter.query('COMMIT');
    const after = await readUntil(during.nextCursor, 2);
    expect(after.items.map((e) => e.subject)).toEqual(['late', 'early']);
    expect((await feed.page(after.nextCursor, undefined, 100)).items).toEqual([]);
  });

  it('filters by type and pages with a cursor that is never null', async () => {
    const start = (await feed.page(undefined, undefined, 500)).nextCursor;
    for (let i = 0; i < 3; i++) await record(`page-${i}`);
    const one = await readUntil(start, 3);
    const firstPage = await feed.page(start, ['job.succeeded'], 2);
    expect(firstPage.items.map((e) => e.subject)).toEqual(['page-0', 'page-1']);
    const secondPage = await feed.page(firstPage.nextCursor, ['job.succeeded'], 2);
    expect(secondPage.items.map((e) => e.subject)).toEqual(['page-2']);
    expect(one.nextCursor).toEqual(expect.any(String));
    expect((await feed.page(start, ['job.failed'], 10)).items).toEqual([]);
  });

  it('orders ids numerically across pages (10 after 9, not after 1)', async () => {
    const start = (await feed.page(undefined, undefined, 500)).nextCursor;
    await db.event.createMany({
      data: Array.from({ length: 12 }, (_, i) => ({
        type: 'job.succeeded',
        subject: `n-${i}`,
        orderingKey: 'n',
        data: {},
      })),
    });
    await readUntil(start, 12);
    const subjects: string[] = [];
    let after = start;
    for (let i = 0; i < 3; i++) {
      const page = await feed.page(after, undefined, 5);
      subjects.push(...page.items.map((e) => e.subject));
      after = page.nextCursor;
    }
    expect(subjects).toEqual(Array.from({ length: 12 }, (_, i) => `n-${i}`));
  });
});
