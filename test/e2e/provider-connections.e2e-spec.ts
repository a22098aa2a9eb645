import { randomBytes } from 'node:crypto';
import { BrokerProcess, WRITER_SECRET } from '../../harness/broker-process';
import { connectDatabase } from '../../harness/isolated-resources';
import { createGenesisEmulator } from '../../src/providers/kinds/genesis-cloud/emulator/genesis.emulator';
import { generateGenesisSeed } from '../../src/providers/kinds/genesis-cloud/emulator/genesis-seed';
import { glanceProvidersYaml, NHN_TOKEN, startGlancePair, type GlanceEmulator } from '../support/glance-fixtures';

const GENESIS_SECRET = `genesis-secret-${randomBytes(8).toString('hex')}`;

interface Provider {
  name: string;
  kind: string;
  source: string;
  health: string;
  lastError: string | null;
  imageCount: number;
  capabilities: Record<string, boolean>;
}

describe('provider connections managed at run time', () => {
  let glance: GlanceEmulator[] = [];
  let genesis: ReturnType<typeof createGenesisEmulator>;
  let genesisUrl: string;
  let broker: BrokerProcess;
  let worker: BrokerProcess;

  const genesisBody = () => ({
    name: 'genesis-eu',
    kind: 'genesis-cloud',
    endpoint: genesisUrl,
    maxRetries: 1,
    auth: { type: 'bearer', token: GENESIS_SECRET },
  });

  async function syncAndWait(name: string): Promise<{ state: string; error: { message: string } | null }> {
    const { body } = await broker.api<{ id: string }>(`/v1/providers/${name}/sync`, { method: 'POST' });
    return broker.waitForJob(body.id);
  }

  async function provider(name: string): Promise<Provider | undefined> {
    return (await broker.api<{ items: Provider[] }>('/v1/providers')).body.items.find((p) => p.name === name);
  }

  beforeAll(async () => {
    const pair = await startGlancePair({ nhn: 5, standard: 5 });
    glance = [pair.nhn, pair.standard];
    genesis = createGenesisEmulator({ tokens: [GENESIS_SECRET], images: generateGenesisSeed({ count: 30, seed: 9 }) });
    genesisUrl = await genesis.listen();
    broker = await BrokerProcess.start({
      label: 'connections',
      role: 'api',
      providersYaml: glanceProvidersYaml(pair.nhnUrl, pair.standardUrl),
      env: { NHN_TOKEN, SECRETS_KEY: randomBytes(32).toString('base64') },
    });
    // A separate worker replica: it must learn of connections another process created.
    worker = await BrokerProcess.start({
      label: 'connections-worker',
      role: 'worker',
      shareWith: broker,
      env: { NHN_TOKEN },
    });
  });
  afterAll(async () => {
    await worker?.stop();
    await broker?.stop();
    await Promise.all([...glance.map((g) => g.close()), genesis?.close()]);
  });

  it('adds a connection that a worker in another process then syncs', async () => {
    const created = await broker.api<Provider>('/v1/providers', { method: 'POST', body: genesisBody() });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/v1/providers/genesis-eu');
    expect(created.body).toMatchObject({ name: 'genesis-eu', kind: 'genesis-cloud', source: 'api', health: 'unknown' });
    expect(created.body.capabilities).toMatchObject({ list: true, get: true, upload: false, delete: false });
    expect((await syncAndWait('genesis-eu')).state).toBe('succeeded');
    expect((await provider('genesis-eu'))?.imageCount).toBeGreaterThan(0);
  });

  it('never returns the credentials, never logs them, and stores them only encrypted', async () => {
    const everything = JSON.stringify([
      (await broker.api('/v1/providers')).body,
      (await broker.api('/v1/jobs?provider=genesis-eu')).body,
      (await broker.api('/openapi.json', { secret: null })).body,
    ]);
    expect(everything).not.toContain(GENESIS_SECRET);
    expect(broker.output + worker.output).not.toContain(GENESIS_SECRET);
    const db = await connectDatabase(broker.databaseUrl);
    try {
      const { rows } = await db.query<{ settings: unknown; credentials: Buffer }>(
        `SELECT settings, credentials FROM provider_connections WHERE name = 'genesis-eu'`,
      );
      expect(rows[0].credentials.toString('latin1')).not.toContain(GENESIS_SECRET);
      expect(JSON.stringify(rows[0].settings)).not.toContain(GENESIS_SECRET);
      expect(rows[0].settings).toMatchObject({ auth: { type: 'bearer' } });
    } finally {
      await db.end();
    }
  });

  it('refuses a second connection of the same name with 409', async () => {
    expect((await broker.api('/v1/providers', { method: 'POST', body: genesisBody() })).status).toBe(409);
  });

  it('validates a new connection like the providers file, naming the field', async () => {
    const res = await broker.api<{ errors: Array<{ field: string }> }>('/v1/providers', {
      method: 'POST',
      body: {
        ...genesisBody(),
        name: 'bad',
        auth: { type: 'keystone', authUrl: 'https://k', username: 'u', password: 'p' },
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e) => e.field)).toContain('auth.type');
    const unknown = await broker.api<{ errors: Array<{ field: string }> }>('/v1/providers', {
      method: 'POST',
      body: { ...genesisBody(), name: 'bad2', colour: 'red' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([{ field: 'colour', message: 'colour is not a known field' }]);
  });

  it('lets only an admin manage connections', async () => {
    expect(
      (await broker.api('/v1/providers', { method: 'POST', body: genesisBody(), secret: WRITER_SECRET })).status,
    ).toBe(403);
    expect((await broker.api('/v1/providers/genesis-eu', { method: 'DELETE', secret: WRITER_SECRET })).status).toBe(
      403,
    );
  });

  it('keeps connections from PROVIDERS_FILE read-only', async () => {
    const patch = await broker.api<{ detail: string }>('/v1/providers/nhn-kr1', {
      method: 'PATCH',
      body: { timeoutMs: 1000 },
      headers: { 'content-type': 'application/merge-patch+json' },
    });
    expect(patch.status).toBe(409);
    expect(patch.body.detail).toMatch(/PROVIDERS_FILE/);
    expect((await broker.api('/v1/providers/nhn-kr1', { method: 'DELETE' })).status).toBe(409);
  });

  it('applies a merge patch: a wrong token makes the next sync fail visibly, the right one heals it', async () => {
    const broken = await broker.api<Provider>('/v1/providers/genesis-eu', {
      method: 'PATCH',
      body: { auth: { type: 'bearer', token: 'not-the-token' } },
      headers: { 'content-type': 'application/merge-patch+json' },
    });
    expect(broken.status).toBe(200);
    const failed = await syncAndWait('genesis-eu');
    expect(failed.state).toBe('failed');
    expect(failed.error?.message).toMatch(/401|unauthori[sz]ed/i);
    expect(await provider('genesis-eu')).toMatchObject({ health: 'failing' });

    await broker.api('/v1/providers/genesis-eu', {
      method: 'PATCH',
      body: { auth: { type: 'bearer', token: GENESIS_SECRET }, maxConcurrentCalls: 2 },
      headers: { 'content-type': 'application/merge-patch+json' },
    });
    expect((await syncAndWait('genesis-eu')).state).toBe('succeeded');
    expect(await provider('genesis-eu')).toMatchObject({ health: 'ok' });
  });

  it('removes a connection and its images, from cached catalogue pages too', async () => {
    const before = await broker.api<{ items: unknown[] }>('/v1/images?provider=genesis-eu');
    expect(before.body.items.length).toBeGreaterThan(0);
    expect((await broker.api('/v1/providers/genesis-eu', { method: 'DELETE' })).status).toBe(204);
    expect(await provider('genesis-eu')).toBeUndefined();
    const images = await broker.api<{ items: unknown[] }>('/v1/images?provider=genesis-eu');
    expect(images.body.items).toEqual([]);
    expect((await broker.api('/v1/providers/genesis-eu', { method: 'DELETE' })).status).toBe(404);
  });
});
