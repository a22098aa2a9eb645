import { BrokerProcess, READER_SECRET } from '../../harness/broker-process';
import {
  glanceProvidersYaml,
  KEYSTONE_USER,
  keystoneToken,
  listUpstream,
  NHN_TOKEN,
  startGlancePair,
  type GlanceEmulator,
} from '../support/glance-fixtures';
import { waitFor } from '../support/wait-for';

interface Image {
  id: string;
  provider: string;
  providerKind: string;
  region: string | null;
  nativeId: string;
  name: string | null;
  kind: string | null;
  status: string | null;
  visibility: string | null;
  os: { distro: string | null; version: string | null; architecture: string | null; type: string | null };
  gpu: { vendor: string | null; models: string[] } | null;
  tags: string[];
  createdAt: string | null;
  checksums: { md5: string | null; sha512: string | null };
}
interface Page {
  items: Image[];
  nextCursor: string | null;
}

describe('catalogue sync from OpenStack Glance clouds', () => {
  let nhn: GlanceEmulator;
  let standard: GlanceEmulator;
  let nhnUrl: string;
  let standardUrl: string;
  let broker: BrokerProcess;
  let catalogue: Image[];

  async function syncAndWait(provider: string): Promise<{ state: string; result: Record<string, unknown> | null }> {
    const { status, body, headers } = await broker.api<{ id: string; type: string }>(`/v1/providers/${provider}/sync`, {
      method: 'POST',
    });
    expect(status).toBe(202);
    expect(body.type).toBe('sync');
    expect(headers.get('location')).toBe(`/v1/jobs/${body.id}`);
    return broker.waitForJob(body.id);
  }

  async function listAll(query = '', limit = 100): Promise<Image[]> {
    const out: Image[] = [];
    let cursor: string | null = null;
    do {
      const sep = query ? '&' : '';
      const path: string = `/v1/images?${query}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`;
      const { status, body } = await broker.api<Page>(path, { secret: READER_SECRET });
      expect(status).toBe(200);
      out.push(...body.items);
      cursor = body.nextCursor;
    } while (cursor);
    return out;
  }

  beforeAll(async () => {
    ({ nhn, standard, nhnUrl, standardUrl } = await startGlancePair());
    broker = await BrokerProcess.start({
      label: 'catalogue',
      providersYaml: glanceProvidersYaml(nhnUrl, standardUrl),
      env: { NHN_TOKEN },
    });
    expect((await syncAndWait('nhn-kr1')).state).toBe('succeeded');
    expect((await syncAndWait('vietnix-hcm')).state).toBe('succeeded');
    catalogue = await listAll();
  });

  afterAll(async () => {
    await broker?.stop();
    await Promise.all([nhn?.close(), standard?.close()]);
  });

  it('holds every image each Glance lists, with the native ids of the provider', async () => {
    // NHN documents no os_hidden filter, so its default list is all the adapter reads.
    const upstreamNhn = await listUpstream(nhnUrl, { 'x-auth-token': NHN_TOKEN }, []);
    const upstreamStd = await listUpstream(standardUrl, { 'x-auth-token': await keystoneToken(standardUrl) });
    // Images Glance still lists in status `deleted` are kept, as deleted, and shown only on request.
    const everything = [...catalogue, ...(await listAll('status=deleted'))];
    const ids = (provider: string) =>
      everything
        .filter((i) => i.provider === provider)
        .map((i) => i.nativeId)
        .sort();
    expect(ids('nhn-kr1')).toEqual(upstreamNhn.map((i) => String(i.id)).sort());
    expect(ids('vietnix-hcm')).toEqual(upstreamStd.map((i) => String(i.id)).sort());
    expect(catalogue.length).toBeGreaterThanOrEqual(200);
  });

  it('reports both providers as healthy with their capabilities after a sync', async () => {
    const { body } = await broker.api<{ items: Array<Record<string, unknown>> }>('/v1/providers', {
      secret: READER_SECRET,
    });
    const nhnRow = body.items.find((p) => p.name === 'nhn-kr1');
    expect(nhnRow).toMatchObject({
      kind: 'openstack-glance',
      regions: ['kr1'],
      health: 'ok',
      lastError: null,
      source: 'file',
      capabilities: { list: true, get: true },
    });
    expect(typeof nhnRow?.lastSyncAt).toBe('string');
  });

  it('pages through the whole catalogue to the last page without repeating or skipping an image', async () => {
    const paged = await listAll('', 37);
    expect(paged.length).toBe(catalogue.length);
    expect(new Set(paged.map((i) => i.id)).size).toBe(paged.length);
  });

  const filters: Array<[string, (i: Image) => boolean]> = [
    ['provider=nhn-kr1', (i) => i.provider === 'nhn-kr1'],
    ['region=hcm1', (i) => i.region === 'hcm1'],
    ['kind=base-os', (i) => i.kind === 'base-os'],
    ['kind=snapshot', (i) => i.kind === 'snapshot'],
    ['status=active', (i) => i.status === 'active'],
    ['visibility=private', (i) => i.visibility === 'private'],
    ['osDistro=UBUNTU', (i) => i.os.distro === 'ubuntu'],
    ['osVersion=22.04', (i) => i.os.version === '22.04'],
    ['architecture=aarch64', (i) => i.os.architecture === 'aarch64'],
    ['gpuVendor=nvidia', (i) => i.gpu?.vendor === 'nvidia'],
    ['gpuModel=h100', (i) => i.gpu?.models.includes('H100') ?? false],
    ['q=ubuntu', (i) => (i.name ?? '').toLowerCase().includes('ubuntu')],
    [
      'osDistro=ubuntu&architecture=x86_64&provider=vietnix-hcm',
      (i) => i.os.distro === 'ubuntu' && i.os.architecture === 'x86_64' && i.provider === 'vietnix-hcm',
    ],
  ];

  it.each(filters)('filters the catalogue with %s', async (query, predicate) => {
    const expected = catalogue
      .filter(predicate)
      .map((i) => i.id)
      .sort();
    expect(expected.length).toBeGreaterThan(0);
    const got = (await listAll(query, 500)).map((i) => i.id).sort();
    expect(got).toEqual(expected);
  });

  it('filters by tag', async () => {
    const tag = catalogue.flatMap((i) => i.tags)[0];
    expect(tag).toBeDefined();
    const got = await listAll(`tag=${encodeURIComponent(tag)}`);
    expect(got.map((i) => i.id).sort()).toEqual(
      catalogue
        .filter((i) => i.tags.includes(tag))
        .map((i) => i.id)
        .sort(),
    );
  });

  it('sorts by name ascending and by creation time descending, across pages', async () => {
    const byName = await listAll('sort=name', 45);
    const names = byName.map((i) => i.name).filter((n): n is string => n !== null);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    const byCreated = await listAll('sort=-createdAt', 45);
    const times = byCreated.map((i) => i.createdAt).filter((t): t is string => t !== null);
    expect(times).toEqual([...times].sort().reverse());
    expect(byCreated.length).toBe(catalogue.length);
  });

  it('answers one image by its broker id', async () => {
    const sample = catalogue[0];
    const { status, body } = await broker.api<Image>(`/v1/images/${sample.id}`, { secret: READER_SECRET });
    expect(status).toBe(200);
    expect(body).toEqual(sample);
  });

  it('marks an image removed upstream as deleted on the next sync, and hides it unless asked', async () => {
    const victim = catalogue.find((i) => i.provider === 'nhn-kr1' && i.status === 'active')!;
    // Read first, so the page below that must leave it out is one the API already holds in its page cache.
    expect((await listAll('provider=nhn-kr1', 500)).map((i) => i.id)).toContain(victim.id);
    nhn.store.remove(victim.nativeId);
    const job = await syncAndWait('nhn-kr1');
    expect(job.result).toMatchObject({ deleted: 1 });
    const { body } = await broker.api<Image>(`/v1/images/${victim.id}`, { secret: READER_SECRET });
    expect(body.status).toBe('deleted');
    const visible = await listAll('provider=nhn-kr1', 500);
    expect(visible.find((i) => i.id === victim.id)).toBeUndefined();
    const deleted = await listAll('provider=nhn-kr1&status=deleted', 500);
    expect(deleted.map((i) => i.id)).toContain(victim.id);
  });

  it("holds the account's own community images, which Glance's default list leaves out, and keeps an image patched to community", async () => {
    const ownCommunity = standard.store.add({
      id: '0c0ffee0-0000-4000-8000-00000000c0de',
      name: 'own-community-golden',
      status: 'active',
      visibility: 'community',
      owner: KEYSTONE_USER.projectId,
      created_at: '2024-02-02T00:00:00Z',
      updated_at: '2024-02-02T00:00:00Z',
    });
    const foreignCommunity = standard.store
      .all()
      .filter((i) => i.visibility === 'community' && i.owner !== KEYSTONE_USER.projectId);
    expect(foreignCommunity.length).toBeGreaterThan(0);
    const madeCommunity = catalogue.find(
      (i) => i.provider === 'vietnix-hcm' && i.visibility === 'private' && i.status === 'active',
    )!;
    const patched = await broker.api<Image>(`/v1/images/${madeCommunity.id}`, {
      method: 'PATCH',
      body: { visibility: 'community' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.visibility).toBe('community');

    const job = await syncAndWait('vietnix-hcm');

    expect(job.result).toMatchObject({ deleted: 0 });
    const vietnix = await listAll('provider=vietnix-hcm', 500);
    expect(vietnix.find((i) => i.id === madeCommunity.id)).toMatchObject({ visibility: 'community', status: 'active' });
    expect(vietnix.find((i) => i.nativeId === ownCommunity.id)).toMatchObject({
      name: 'own-community-golden',
      visibility: 'community',
    });
    const nativeIds = new Set(vietnix.map((i) => i.nativeId));
    expect(foreignCommunity.filter((i) => nativeIds.has(i.id))).toEqual([]);
  });

  it('writes no catalogue row when nothing changed upstream', async () => {
    const job = await syncAndWait('vietnix-hcm');
    expect(job.result).toMatchObject({ written: 0, deleted: 0 });
  });

  it('creates a single sync job when two syncs of one provider are asked at once', async () => {
    const [a, b] = await Promise.all([
      broker.api<{ id: string }>('/v1/providers/vietnix-hcm/sync', { method: 'POST' }),
      broker.api<{ id: string }>('/v1/providers/vietnix-hcm/sync', { method: 'POST' }),
    ]);
    expect(a.status).toBe(202);
    expect(b.status).toBe(202);
    expect(a.body.id).toBe(b.body.id);
    await broker.waitForJob(a.body.id);
  });

  it('keeps serving the catalogue from PostgreSQL and shows the failure while a provider is down', async () => {
    nhn.faults.set({ errorRate: 1, errorStatuses: [503] });
    try {
      const { body } = await broker.api<{ id: string }>('/v1/providers/nhn-kr1/sync', { method: 'POST' });
      await waitFor(async () => {
        const providers = await broker.api<{
          items: Array<{ name: string; health: string; lastError: string | null }>;
        }>('/v1/providers', { secret: READER_SECRET });
        const row = providers.body.items.find((p) => p.name === 'nhn-kr1')!;
        return row.health === 'failing' && /503|unavailable/i.test(row.lastError ?? '');
      });
      const served = await listAll('provider=nhn-kr1', 500);
      expect(served.length).toBe(catalogue.filter((i) => i.provider === 'nhn-kr1').length - 1);
      const job = await broker.api<{ state: string; error: { code: string } | null; attempts: number }>(
        `/v1/jobs/${body.id}`,
      );
      expect(job.body.error?.code).toBe('provider_unavailable');
      nhn.faults.clear();
      const ended = await broker.waitForJob(body.id, 60_000);
      expect(ended.state).toBe('succeeded');
      expect(ended.attempts).toBeGreaterThanOrEqual(2);
    } finally {
      nhn.faults.clear();
    }
  });

  it('answers 304 to a caller holding a page until a sync changes that page; a page the sync left alone keeps its ETag', async () => {
    const nhnPage = '/v1/images?provider=nhn-kr1&limit=500';
    const vietnixPage = '/v1/images?provider=vietnix-hcm&limit=500';
    const first = await broker.api<Page>(nhnPage, { secret: READER_SECRET });
    const nhnTag = first.headers.get('etag')!;
    expect(nhnTag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const vietnixTag = (await broker.api<Page>(vietnixPage, { secret: READER_SECRET })).headers.get('etag')!;

    const notModified = await broker.api(nhnPage, { secret: READER_SECRET, headers: { 'if-none-match': nhnTag } });
    expect(notModified.status).toBe(304);
    expect(notModified.body).toBeUndefined();
    expect(notModified.headers.get('etag')).toBe(nhnTag);
    expect(notModified.headers.get('content-length')).toBeNull();
    expect(notModified.headers.get('content-type')).toBeNull();
    const head = await fetch(`${broker.url}${nhnPage}`, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${READER_SECRET}`, 'if-none-match': nhnTag },
    });
    expect(head.status).toBe(304);
    const listed = await broker.api(nhnPage, {
      secret: READER_SECRET,
      headers: { 'if-none-match': `"other", W/${nhnTag}` },
    });
    expect(listed.status).toBe(304);

    const renamed = first.body.items.find((i) => i.status === 'active')!;
    nhn.store.update(renamed.nativeId, (record) => {
      record.name = `${record.name} (renamed)`;
    });
    expect((await syncAndWait('nhn-kr1')).result).toMatchObject({ written: 1 });

    const changed = await broker.api<Page>(nhnPage, { secret: READER_SECRET, headers: { 'if-none-match': nhnTag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(nhnTag);
    expect(changed.body.items.find((i) => i.id === renamed.id)?.name).toBe(`${renamed.name} (renamed)`);
    const unchanged = await broker.api(vietnixPage, {
      secret: READER_SECRET,
      headers: { 'if-none-match': vietnixTag },
    });
    expect(unchanged.status).toBe(304);
  });
});
