import { randomBytes } from 'node:crypto';
import { parse } from 'yaml';
import { BrokerProcess, READER_SECRET } from '../../harness/broker-process';
import { startSandboxEmulators, type SandboxEmulators } from '../../sandbox/sandbox-emulators';
import { PROVIDER_KINDS } from '../../src/providers/kinds/provider-kinds';
import { compileTestEntry } from '../support/compile-test-entry';
import { toySeed } from './extra-kind/emulator/toy-seed';
import { toyKind } from './extra-kind/toy.kind';

interface Provider {
  name: string;
  kind: string;
  source: string;
  capabilities: Record<string, boolean>;
}
interface Image {
  name: string;
  providerKind: string;
  os: { distro: string | null; version: string | null };
  sizeBytes: number | null;
}
interface Problem {
  detail: string;
  errors: Array<{ field: string; message: string }>;
}
interface ProvidersFileEntry {
  name: string;
  kind: string;
  endpoint: string;
  shelf?: string;
}

const TOY_IMAGES = 4;
const SHELF_RULE = 'shelf must be 1 to 20 lower-case letters';

/**
 * Issue 14's proof that a provider kind describes itself: the toy kind of
 * test/e2e/extra-kind is one folder outside src/, given to the broker as one
 * more entry beside PROVIDER_KINDS (extra-kind/broker-main.ts) and to the
 * sandbox the same way. Nothing in src/ names it, yet the providers file, the
 * admin API, GET /v1/providers, the sync and the sandbox all take it.
 */
describe('a provider kind added as one folder plus one line', () => {
  const kinds = [...PROVIDER_KINDS, toyKind];
  let entry: string;
  let clouds: SandboxEmulators;
  let broker: BrokerProcess;
  let toy: ProvidersFileEntry;

  async function syncAndWait(name: string): Promise<{ state: string; error: { message: string } | null }> {
    const { body } = await broker.api<{ id: string }>(`/v1/providers/${name}/sync`, { method: 'POST' });
    return broker.waitForJob(body.id);
  }

  beforeAll(async () => {
    entry = compileTestEntry('test/e2e/extra-kind', 'broker-main');
    // The sandbox's own loop over the kinds it is given, TOY_IMAGES images on every connection.
    clouds = await startSandboxEmulators(TOY_IMAGES, undefined, kinds);
    const file = parse(clouds.providersYaml) as { providers: ProvidersFileEntry[] };
    toy = file.providers.find((p) => p.kind === 'toy-cloud')!;
    broker = await BrokerProcess.start({
      label: 'extrakind',
      entry,
      providersYaml: clouds.providersYaml,
      env: { ...clouds.env, SECRETS_KEY: randomBytes(32).toString('base64') },
    });
  });
  afterAll(async () => {
    await broker?.stop();
    await clouds?.close();
  });

  it('is offered by the sandbox: its emulator runs its seed, and the providers file has its entry', async () => {
    expect(clouds.providerNames).toContain('toy-attic');
    expect(toy).toMatchObject({ name: 'toy-attic', kind: 'toy-cloud', shelf: 'attic' });
    expect(clouds.describe().some((line) => line.startsWith('toy-attic'))).toBe(true);
    const res = await fetch(`${toy.endpoint}/shelves/attic/images`, {
      headers: { authorization: `Bearer ${clouds.env.SANDBOX_TOY_TOKEN}` },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ images: toySeed('attic', TOY_IMAGES) });
  });

  it('validates its providers-file entry with its own class: a bad shelf stops the start, naming the field', async () => {
    const badEntry =
      'providers:\n  - name: toy-bad\n    kind: toy-cloud\n    endpoint: http://127.0.0.1:9\n' +
      '    shelf: Top Shelf\n    auth: { type: bearer, token: t }\n';
    const refused = await BrokerProcess.prepare({ label: 'extrakindbad', entry, providersYaml: badEntry });
    try {
      refused.launch();
      expect(await refused.waitForExit()).toBe(2);
      expect(refused.output).toContain(`providers[0] (name 'toy-bad'): shelf: ${SHELF_RULE}`);
    } finally {
      await refused.stop();
    }
    // The broker as shipped does not know the kind: what a broker takes is the registry it is given.
    const stock = await BrokerProcess.prepare({
      label: 'extrakindstock',
      providersYaml: badEntry.replace('Top Shelf', 'top'),
    });
    try {
      stock.launch();
      expect(await stock.waitForExit()).toBe(2);
      expect(stock.output).toContain(`providers[0] (name 'toy-bad'): kind: kind must be one of openstack-glance`);
    } finally {
      await stock.stop();
    }
  });

  it('is listed by GET /v1/providers with the capabilities its definition declares', async () => {
    const { body } = await broker.api<{ items: Provider[] }>('/v1/providers', { secret: READER_SECRET });
    const listed = body.items.find((p) => p.name === 'toy-attic');
    expect(listed).toMatchObject({ kind: 'toy-cloud', source: 'file' });
    expect(Object.keys(listed!.capabilities).filter((op) => listed!.capabilities[op])).toEqual(['list', 'get']);
    expect(body.items.map((p) => p.name).sort()).toEqual([...clouds.providerNames].sort());
  });

  it("syncs its emulator's images into GET /v1/images", async () => {
    expect((await syncAndWait('toy-attic')).state).toBe('succeeded');
    const { body } = await broker.api<{ items: Image[] }>('/v1/images?provider=toy-attic&limit=100', {
      secret: READER_SECRET,
    });
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    expect(
      body.items
        .map((i) => ({
          name: i.name,
          kind: i.providerKind,
          distro: i.os.distro,
          version: i.os.version,
          size: i.sizeBytes,
        }))
        .sort(byName),
    ).toEqual(
      toySeed('attic', TOY_IMAGES)
        .map((s) => ({ name: s.title, kind: 'toy-cloud', distro: s.distro, version: s.version, size: s.bytes }))
        .sort(byName),
    );
  });

  it("takes and refuses a connection through the admin API by the kind's own field", async () => {
    const body = {
      name: 'toy-api',
      kind: 'toy-cloud',
      endpoint: toy.endpoint,
      shelf: 'attic',
      auth: { type: 'bearer', token: clouds.env.SANDBOX_TOY_TOKEN },
    };
    const created = await broker.api<Provider>('/v1/providers', { method: 'POST', body });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'toy-api', kind: 'toy-cloud', source: 'api' });
    expect((await syncAndWait('toy-api')).state).toBe('succeeded');

    const badShelf = await broker.api<Problem>('/v1/providers', {
      method: 'POST',
      body: { ...body, name: 'toy-api-2', shelf: 'Top Shelf' },
    });
    expect(badShelf.status).toBe(400);
    expect(badShelf.body.errors).toEqual([{ field: 'shelf', message: SHELF_RULE }]);
    // The field is the toy kind's own: another kind's connection does not take it.
    const { endpoint } = (parse(clouds.providersYaml) as { providers: ProvidersFileEntry[] }).providers.find(
      (p) => p.kind === 'genesis-cloud',
    )!;
    const onGenesis = await broker.api<Problem>('/v1/providers', {
      method: 'POST',
      body: { name: 'genesis-2', kind: 'genesis-cloud', endpoint, shelf: 'attic', auth: body.auth },
    });
    expect(onGenesis.status).toBe(400);
    expect(onGenesis.body.errors).toEqual([{ field: 'shelf', message: 'shelf is not a known field' }]);

    const patchHeaders = { 'content-type': 'application/merge-patch+json' };
    const badPatch = await broker.api<Problem>('/v1/providers/toy-api', {
      method: 'PATCH',
      body: { shelf: 'x1' },
      headers: patchHeaders,
    });
    expect(badPatch.status).toBe(400);
    expect(badPatch.body.errors).toEqual([{ field: 'shelf', message: SHELF_RULE }]);
    // A shelf the emulator lacks is a valid setting: the adapter reads it, and the sync says what the cloud said.
    const patched = await broker.api('/v1/providers/toy-api', {
      method: 'PATCH',
      body: { shelf: 'cellar' },
      headers: patchHeaders,
    });
    expect(patched.status).toBe(200);
    const failed = await syncAndWait('toy-api');
    expect(failed.state).toBe('failed');
    expect(failed.error?.message).toContain("no shelf 'cellar'");
  });
});
