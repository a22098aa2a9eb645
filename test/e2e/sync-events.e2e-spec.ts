import { BrokerProcess, READER_SECRET } from '../../harness/broker-process';
import { glanceProvidersYaml, NHN_TOKEN, startGlancePair, type GlanceEmulator } from '../support/glance-fixtures';
import { waitFor } from '../support/wait-for';

interface FeedEvent {
  id: string;
  type: string;
  at: string;
  subject: string;
  data: Record<string, unknown>;
}
interface FeedPage {
  items: FeedEvent[];
  nextCursor: string;
}

describe('the image events a sync records', () => {
  let nhn: GlanceEmulator;
  let standard: GlanceEmulator;
  let broker: BrokerProcess;
  let cursor: string | undefined;

  async function sync(provider: string): Promise<Record<string, unknown> | null> {
    const { body } = await broker.api<{ id: string }>(`/v1/providers/${provider}/sync`, { method: 'POST' });
    const job = await broker.waitForJob(body.id);
    expect(job.state).toBe('succeeded');
    return job.result;
  }

  /** The image events after the last read, once the feed shows at least `count` (and, after a pause, no more). */
  async function newImageEvents(count: number): Promise<FeedEvent[]> {
    const seen: FeedEvent[] = [];
    const read = async () => {
      for (;;) {
        const query = `type=image.appeared&type=image.changed&type=image.vanished&limit=500${cursor ? `&after=${cursor}` : ''}`;
        const { status, body } = await broker.api<FeedPage>(`/v1/events?${query}`, { secret: READER_SECRET });
        expect(status).toBe(200);
        expect(body.nextCursor).toEqual(expect.any(String));
        seen.push(...body.items);
        cursor = body.nextCursor;
        if (body.items.length < 500) return;
      }
    };
    await waitFor(async () => {
      await read();
      return seen.length >= count;
    });
    await new Promise((r) => setTimeout(r, 500));
    await read();
    return seen;
  }

  beforeAll(async () => {
    let nhnUrl: string;
    let standardUrl: string;
    ({ nhn, standard, nhnUrl, standardUrl } = await startGlancePair({ nhn: 40, standard: 10 }));
    broker = await BrokerProcess.start({
      label: 'sync-events',
      providersYaml: glanceProvidersYaml(nhnUrl, standardUrl),
      env: { NHN_TOKEN },
    });
  });

  afterAll(async () => {
    await broker?.stop();
    await Promise.all([nhn?.close(), standard?.close()]);
  });

  it('records image.appeared for every image a first sync writes, about images/{id}, ordered by provider', async () => {
    const result = await sync('nhn-kr1');
    // The broker may sync other connections on its own meanwhile: only nhn-kr1's are this sync's.
    const events = (await newImageEvents(Number(result?.written))).filter((e) => e.data.provider === 'nhn-kr1');
    expect(events).toHaveLength(Number(result?.written));
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(['image.appeared']));
    const first = events[0];
    expect(first.subject).toBe(`images/${String(first.data.id)}`);
    expect(first.data).toMatchObject({ provider: 'nhn-kr1', region: 'kr1', nativeId: expect.any(String) });
  });

  it('records nothing when a re-sync finds the provider unchanged', async () => {
    const result = await sync('nhn-kr1');
    expect(result).toMatchObject({ written: 0, deleted: 0 });
    expect((await newImageEvents(0)).filter((e) => e.data.provider === 'nhn-kr1')).toEqual([]);
  });

  it('records image.changed with the previous sha256, and image.vanished after an image is deleted upstream', async () => {
    const [changed, gone] = nhn.store.all().filter((i) => i.status === 'active');
    const before = changed.os_hash_value;
    nhn.store.update(changed.id, (record) => {
      record.os_hash_algo = 'sha256';
      record.os_hash_value = 'ab'.repeat(32);
    });
    nhn.store.remove(gone.id);
    const result = await sync('nhn-kr1');
    expect(result).toMatchObject({ deleted: 1 });
    const events = await newImageEvents(2);
    const change = events.find((e) => e.type === 'image.changed');
    expect(change?.data).toMatchObject({ nativeId: changed.id, sha256: 'ab'.repeat(32) });
    expect(change?.data).toHaveProperty('previousSha256');
    if (before) expect(change?.data.previousSha256).not.toBe('ab'.repeat(32));
    const vanished = events.filter((e) => e.type === 'image.vanished');
    expect(vanished).toHaveLength(1);
    expect(vanished[0].data).toMatchObject({ provider: 'nhn-kr1', nativeId: gone.id });
    const { body } = await broker.api<{ id: string }>(`/v1/images/${String(vanished[0].data.id)}`, {
      secret: READER_SECRET,
    });
    expect(vanished[0].subject).toBe(`images/${body.id}`);
  });

  it('refuses an event type it does not know, and a cursor it did not issue, naming the parameter', async () => {
    const type = await broker.api<{ errors?: Array<{ field: string }> }>('/v1/events?type=image.exploded', {
      secret: READER_SECRET,
    });
    expect([400, 422]).toContain(type.status);
    expect(JSON.stringify(type.body)).toContain('type');
    const after = await broker.api<{ errors?: Array<{ field: string }> }>('/v1/events?after=bogus', {
      secret: READER_SECRET,
    });
    expect(after.status).toBe(400);
    expect(after.body.errors?.[0]?.field).toBe('after');
  });

  it('cannot register a webhook without SECRETS_KEY to seal its secret (503)', async () => {
    const { status, body } = await broker.api<{ detail: string }>('/v1/webhooks', {
      method: 'POST',
      body: { url: 'https://hooks.example.com/x', events: ['image.vanished'] },
    });
    expect(status).toBe(503);
    expect(body.detail).toContain('SECRETS_KEY');
  });
});
