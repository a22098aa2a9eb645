import { randomBytes } from 'node:crypto';
import { BrokerProcess, READER_SECRET } from '../../harness/broker-process';
import { createGlanceEmulator } from '../../src/providers/kinds/openstack-glance/emulator/glance.emulator';
import { generateGlanceSeed } from '../../src/providers/kinds/openstack-glance/emulator/glance-seed';
import { NHN_TOKEN, nhnOnlyProvidersYaml, type GlanceEmulator } from '../support/glance-fixtures';

interface SyncJob {
  state: string;
  error: { code: string; message: string } | null;
  result: {
    listed: number;
    written: number;
    skipped: number;
    skippedRows: Array<{ nativeId: string; region: string; field: string | null; reason: string }>;
  } | null;
}

const OWNER = 'c289b99209ca4e189095cdecebbd092d';
const GOOD_IMAGES = 8;

/** Upstream images PostgreSQL cannot hold as they are, each for its own reason. */
const BAD_ROWS = {
  nulName: '00000000-0000-4000-8000-0000000000a1',
  loneSurrogate: '00000000-0000-4000-8000-0000000000a2',
  hugeMinDisk: '00000000-0000-4000-8000-0000000000a3',
  unindexableName: '00000000-0000-4000-8000-0000000000a4',
};

describe('a catalogue sync that meets upstream images the catalogue cannot store', () => {
  let glance: GlanceEmulator;
  let broker: BrokerProcess;

  async function sync(): Promise<SyncJob> {
    const { status, body } = await broker.api<{ id: string }>('/v1/providers/nhn-kr1/sync', { method: 'POST' });
    expect(status).toBe(202);
    await broker.waitForJob(body.id);
    // Read as a read-only key: what any consumer of the job sees.
    return (await broker.api<SyncJob>(`/v1/jobs/${body.id}`, { secret: READER_SECRET })).body;
  }

  /** Every catalogue image of the provider, deleted ones included. */
  async function catalogue(): Promise<Array<{ nativeId: string; name: string | null; status: string }>> {
    const pages = await Promise.all(
      ['', '&status=deleted'].map((filter) =>
        broker.api<{ items: Array<{ nativeId: string; name: string | null; status: string }> }>(
          `/v1/images?provider=nhn-kr1&limit=100${filter}`,
          { secret: READER_SECRET },
        ),
      ),
    );
    return pages.flatMap((page) => page.body.items);
  }

  function skippedMetric(text: string): number | null {
    const line = text.split('\n').find((l) => l.startsWith('image_broker_sync_rows_skipped_total{provider="nhn-kr1"}'));
    return line === undefined ? null : Number(line.split(' ').pop());
  }

  beforeAll(async () => {
    glance = createGlanceEmulator({
      dialect: 'nhn',
      tokens: [NHN_TOKEN],
      owner: OWNER,
      images: generateGlanceSeed({ dialect: 'nhn', count: GOOD_IMAGES, seed: 31, owner: OWNER, region: 'kr1' }),
    });
    const base = { status: 'active' as const, visibility: 'private' as const, owner: OWNER };
    glance.store.add({ ...base, id: BAD_ROWS.nulName, name: 'adv\u0000nul' });
    glance.store.add({ ...base, id: BAD_ROWS.loneSurrogate, name: 'lone-surrogate', extra: { note: 'x\ud800y' } });
    glance.store.add({ ...base, id: BAD_ROWS.hugeMinDisk, name: 'huge-min-disk', min_disk: 2147483648 });
    // Valid text, but random enough that even compressed it exceeds what a btree index entry may hold:
    // only the database can tell, so this row exercises the per-row fallback of a refused batch.
    glance.store.add({ ...base, id: BAD_ROWS.unindexableName, name: randomBytes(12_000).toString('base64') });
    const url = await glance.listen();
    broker = await BrokerProcess.start({
      label: 'unstorable',
      providersYaml: nhnOnlyProvidersYaml(url),
      env: { NHN_TOKEN },
    });
  });

  afterAll(async () => {
    await broker?.stop();
    await glance?.close();
  });

  it('succeeds, stores every other image, and reports each skipped row with its field and reason', async () => {
    const job = await sync();
    expect(job.state).toBe('succeeded');
    expect(job.error).toBeNull();
    expect(job.result).toMatchObject({ listed: GOOD_IMAGES + 4, written: GOOD_IMAGES, skipped: 4 });
    const byId = new Map(job.result!.skippedRows.map((row) => [row.nativeId, row]));
    expect(byId.get(BAD_ROWS.nulName)).toMatchObject({
      region: 'kr1',
      field: 'name',
      reason: expect.stringMatching(/NUL/),
    });
    expect(byId.get(BAD_ROWS.loneSurrogate)).toMatchObject({
      field: 'properties.note',
      reason: expect.stringMatching(/surrogate/),
    });
    expect(byId.get(BAD_ROWS.hugeMinDisk)).toMatchObject({
      field: 'minDiskGiB',
      reason: expect.stringMatching(/2147483648 .*32-bit integer/),
    });
    expect(byId.get(BAD_ROWS.unindexableName)).toMatchObject({
      field: null,
      reason: expect.stringMatching(/database limit.*SQLSTATE 54000/),
    });
    for (const row of job.result!.skippedRows) expect(row.reason).not.toMatch(/prisma|invocation|raw query/i);

    const stored = (await catalogue()).map((i) => i.nativeId);
    expect(stored).toHaveLength(GOOD_IMAGES);
    for (const id of Object.values(BAD_ROWS)) expect(stored).not.toContain(id);
  });

  it('leaves the provider healthy, without an error, and counts the skipped rows in /metrics', async () => {
    const providers = await broker.api<{ items: Array<{ name: string; health: string; lastError: string | null }> }>(
      '/v1/providers',
      { secret: READER_SECRET },
    );
    expect(providers.body.items.find((p) => p.name === 'nhn-kr1')).toMatchObject({ health: 'ok', lastError: null });
    const before = skippedMetric((await broker.api<string>('/metrics')).body);
    expect(before).toBeGreaterThanOrEqual(4);

    // The next sync meets the same rows: it succeeds again and counts them again.
    const again = await sync();
    expect(again.state).toBe('succeeded');
    expect(again.result).toMatchObject({ written: 0, skipped: 4 });
    expect(skippedMetric((await broker.api<string>('/metrics')).body)).toBe(before! + 4);
  });

  it('keeps a stored image that later turned unstorable upstream as it was, rather than marking it deleted', async () => {
    const [victim] = glance.store.all().filter((r) => r.status === 'active' && !Object.values(BAD_ROWS).includes(r.id));
    glance.store.update(victim.id, (record) => {
      record.name = 'now\u0000broken';
    });
    const job = await sync();
    expect(job.state).toBe('succeeded');
    expect(job.result).toMatchObject({ skipped: 5, deleted: 0 });
    const kept = (await catalogue()).find((i) => i.nativeId === victim.id);
    expect(kept?.status).toBe('active');
    expect(kept?.name).not.toContain('broken');
  });
});
