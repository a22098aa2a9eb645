import { BrokerProcess, READER_SECRET } from '../../harness/broker-process';
import { PROVIDER_KINDS } from '../../src/providers/kinds/provider-kinds';
import { startSandboxEmulators, type SandboxEmulators } from '../../sandbox/sandbox-emulators';

interface Image {
  id: string;
  provider: string;
  providerKind: string;
  kind: string | null;
  status: string | null;
  os: { distro: string | null };
  gpu: { vendor: string | null; models: string[] } | null;
}
interface Provider {
  name: string;
  health: string;
  lastError: string | null;
  imageCount: number;
}

describe('one catalogue across five clouds', () => {
  let clouds: SandboxEmulators;
  let broker: BrokerProcess;

  async function syncAll(): Promise<Record<string, { state: string; error: { message: string } | null }>> {
    const jobs = await Promise.all(
      clouds.providerNames.map(async (name) => {
        const { body } = await broker.api<{ id: string }>(`/v1/providers/${name}/sync`, { method: 'POST' });
        return [name, body.id] as const;
      }),
    );
    const ended = await Promise.all(
      jobs.map(async ([name, id]) => [name, await broker.waitForJob(id, 90_000)] as const),
    );
    return Object.fromEntries(ended);
  }

  async function listAll(query: string): Promise<Image[]> {
    const out: Image[] = [];
    let cursor: string | null = null;
    do {
      const path: string = `/v1/images?${query}&limit=500${cursor ? `&cursor=${cursor}` : ''}`;
      const { body } = await broker.api<{ items: Image[]; nextCursor: string | null }>(path, { secret: READER_SECRET });
      out.push(...body.items);
      cursor = body.nextCursor;
    } while (cursor);
    return out;
  }

  async function providers(): Promise<Provider[]> {
    return (await broker.api<{ items: Provider[] }>('/v1/providers')).body.items;
  }

  beforeAll(async () => {
    clouds = await startSandboxEmulators();
    broker = await BrokerProcess.start({ label: 'five', providersYaml: clouds.providersYaml, env: clouds.env });
    const first = await syncAll();
    for (const [name, job] of Object.entries(first)) expect([name, job.state]).toEqual([name, 'succeeded']);
  });
  afterAll(async () => {
    await broker?.stop();
    await clouds?.close();
  });

  it('lists every provider kind with images in it', async () => {
    const kinds = new Set((await listAll('')).map((i) => i.providerKind));
    expect([...kinds].sort()).toEqual(PROVIDER_KINDS.map((k) => k.kind).sort());
    expect((await providers()).every((p) => p.imageCount > 0 && p.health === 'ok')).toBe(true);
  });

  it('answers gpuModel=H100&osDistro=ubuntu with matching images from every cloud that publishes GPU data', async () => {
    const found = await listAll('gpuModel=H100&osDistro=ubuntu');
    expect(found.length).toBeGreaterThan(0);
    for (const image of found) {
      expect(image.os.distro).toBe('ubuntu');
      expect(image.gpu?.models).toContain('H100');
    }
    // Vietnix (standard Glance) documents no GPU field, so its emulator invents none and its images carry no GPU data.
    expect(new Set(found.map((i) => i.provider))).toEqual(new Set(['nhn-kr1', 'fpt-hcm', 'nscale-eu']));
  });

  it('finds snapshots and custom images of several clouds under one kind', async () => {
    const snapshots = new Set((await listAll('kind=snapshot')).map((i) => i.providerKind));
    expect(snapshots).toEqual(new Set(['openstack-glance', 'genesis-cloud']));
    const custom = new Set((await listAll('kind=custom')).map((i) => i.providerKind));
    expect(custom.has('fpt-metal-cloud')).toBe(true);
    expect(custom.has('nscale')).toBe(true);
  });

  it('answers 501 problem+json naming the provider and the operation it lacks', async () => {
    const genesisImage = (await listAll('provider=genesis'))[0];
    const download = await broker.api<{ status: number; provider: string; operation: string; detail: string }>(
      `/v1/images/${genesisImage.id}/file`,
    );
    expect(download.status).toBe(501);
    expect(download.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(download.body).toMatchObject({ status: 501, provider: 'genesis', operation: 'download' });
    expect(download.body.detail).toContain("'genesis'");
    const create = await broker.api<{ provider: string; operation: string }>('/v1/images', {
      method: 'POST',
      body: { provider: 'nscale-eu', name: 'my-image' },
    });
    expect(create.status).toBe(501);
    expect(create.body).toMatchObject({ provider: 'nscale-eu', operation: 'create' });
    const providers = (
      await broker.api<{ items: Array<{ name: string; capabilities: Record<string, boolean> }> }>('/v1/providers')
    ).body.items;
    const caps = Object.fromEntries(
      providers.map((p) => [p.name, Object.keys(p.capabilities).filter((k) => p.capabilities[k])]),
    );
    expect(caps).toEqual({
      'fpt-hcm': ['list', 'get', 'create', 'upload', 'delete'],
      genesis: ['list', 'get'],
      'nhn-kr1': ['list', 'get', 'create', 'upload', 'download', 'update', 'delete', 'tags', 'members'],
      'nscale-eu': ['list', 'get'],
      'vietnix-hcm': ['list', 'get', 'create', 'upload', 'download', 'update', 'delete', 'tags', 'members'],
    });
  });

  it('completes every sync while each cloud fails a fifth of its calls, and the catalogue comes out the same', async () => {
    const before = (await listAll('')).map((i) => i.id).sort();
    for (const faults of Object.values(clouds.faults)) {
      faults.set({ errorRate: 0.1, throttleRate: 0.1, retryAfterSeconds: 0, seed: 42 });
    }
    try {
      const runs = await syncAll();
      for (const [name, job] of Object.entries(runs)) expect([name, job.state]).toEqual([name, 'succeeded']);
      const injected = Object.values(clouds.faults).reduce((sum, f) => sum + f.stats().errors + f.stats().throttled, 0);
      expect(injected).toBeGreaterThan(0);
    } finally {
      for (const faults of Object.values(clouds.faults)) faults.clear();
    }
    expect((await listAll('')).map((i) => i.id).sort()).toEqual(before);
  });

  it('fails the sync of a cloud that is hard down with a clear lastError, while the others sync normally', async () => {
    const servedBefore = (await listAll('provider=genesis')).length;
    clouds.faults.genesis.set({ errorRate: 1, errorStatuses: [503] });
    try {
      const runs = await syncAll();
      expect(runs.genesis.state).toBe('failed');
      expect(runs.genesis.error?.message).toMatch(/genesis|503|unavailable|circuit/i);
      for (const name of clouds.providerNames.filter((n) => n !== 'genesis'))
        expect(runs[name].state).toBe('succeeded');
      const genesis = (await providers()).find((p) => p.name === 'genesis')!;
      expect(genesis.health).toBe('failing');
      expect(genesis.lastError).toMatch(/503|unavailable|circuit/i);
      expect((await listAll('provider=genesis')).length).toBe(servedBefore);
    } finally {
      clouds.faults.genesis.clear();
    }
  });
});
