import { BrokerProcess, READER_SECRET, WRITER_SECRET } from '../../harness/broker-process';
import { connectDatabase } from '../../harness/isolated-resources';
import { startEmbeddedS3, type EmbeddedS3 } from '../../sandbox/embedded-s3';
import { createFptEmulator } from '../../src/providers/kinds/fpt-metal-cloud/emulator/fpt.emulator';
import { createGenesisEmulator } from '../../src/providers/kinds/genesis-cloud/emulator/genesis.emulator';
import { generateGenesisSeed } from '../../src/providers/kinds/genesis-cloud/emulator/genesis-seed';
import { createGlanceEmulator } from '../../src/providers/kinds/openstack-glance/emulator/glance.emulator';
import { glanceProvidersYaml, NHN_TOKEN, startGlancePair, type GlanceEmulator } from '../support/glance-fixtures';
import { TestImageBytes } from '../support/image-bytes';
import { waitFor } from '../support/wait-for';

const VPC = '0f6c1f2e-3b4a-4d5e-8f90-123456789abc';
const EXTRA_TOKEN = 'glance-extra-token-0123456789';

interface Placement {
  id: string;
  provider: string;
  region: string | null;
  imageId: string | null;
  nativeId: string | null;
  status: string;
  jobId: string | null;
  error: { code: string; message: string } | null;
}
interface Version {
  family: string;
  version: string;
  sha256: string;
  sourceImageId: string | null;
  placements: Placement[];
}
interface Problem {
  status: number;
  detail: string;
  errors?: Array<{ field: string; message: string }>;
}
interface Image {
  id: string;
  nativeId: string;
  status: string;
  provider: string;
  checksums: { sha256: string | null };
}

/**
 * Issue 15, families and versions: a family on three clouds, a version
 * published from an uploaded image and placed on each (one emulator failing
 * half its requests), what cannot be placed refused at publish time, a
 * failed placement retried alone, a target added and removed.
 */
describe('families: publishing a version places it on every target', () => {
  const bytes = new TestImageBytes(5 * 1024 * 1024 + 11, 'families-publish');
  let s3: EmbeddedS3;
  let nhn: GlanceEmulator;
  let vietnix: GlanceEmulator;
  let extra: GlanceEmulator;
  let fpt: ReturnType<typeof createFptEmulator>;
  let genesis: ReturnType<typeof createGenesisEmulator>;
  let broker: BrokerProcess;
  let sourceId: string;

  const write = <T>(path: string, method: string, body?: unknown) =>
    broker.api<T>(path, { method, body, secret: WRITER_SECRET });
  const version = (family: string, v: string) =>
    broker.api<Version>(`/v1/families/${family}/versions/${v}`, { secret: READER_SECRET });

  async function settled(family: string, v: string, count: number): Promise<Version> {
    let last: Version | undefined;
    await waitFor(
      async () => {
        last = (await version(family, v)).body;
        const live = last.placements.filter((p) => p.status !== 'removed');
        return live.length === count && live.every((p) => p.status === 'active' || p.status === 'failed');
      },
      120_000,
      200,
    );
    return last!;
  }

  /** A new image on vietnix-hcm holding `content`, uploaded through the broker. */
  async function uploaded(name: string, content: TestImageBytes, os?: Record<string, string>): Promise<string> {
    const image = await write<{ id: string }>('/v1/images', 'POST', {
      provider: 'vietnix-hcm',
      name,
      diskFormat: 'raw',
      containerFormat: 'bare',
      sha256: content.sha256,
      ...(os ? { os } : {}),
    });
    expect(image.status).toBe(201);
    const put = await broker.putImageFile(image.body.id, content.stream());
    expect((await broker.waitForJob(put.body.id)).state).toBe('succeeded');
    return image.body.id;
  }

  async function events(subject: string): Promise<Array<{ type: string; data: Record<string, unknown> }>> {
    const db = await connectDatabase(broker.databaseUrl);
    try {
      const { rows } = await db.query<{ type: string; data: Record<string, unknown>; ordering_key: string }>(
        'SELECT type, data, ordering_key FROM events WHERE subject = $1 ORDER BY id',
        [subject],
      );
      return rows;
    } finally {
      await db.end();
    }
  }

  beforeAll(async () => {
    s3 = await startEmbeddedS3();
    const pair = await startGlancePair({ nhn: 2, standard: 2 });
    nhn = pair.nhn;
    vietnix = pair.standard;
    extra = createGlanceEmulator({ dialect: 'standard', tokens: [EXTRA_TOKEN] });
    fpt = createFptEmulator({ vpcId: VPC, tokens: ['fpt-token'], partSizeBytes: 2 * 1024 * 1024 });
    genesis = createGenesisEmulator({ tokens: ['genesis-token'], images: generateGenesisSeed({ count: 2, seed: 1 }) });
    const [fptUrl, genesisUrl, extraUrl] = await Promise.all([fpt.listen(), genesis.listen(), extra.listen()]);
    broker = await BrokerProcess.start({
      label: 'families-publish',
      // nhn-kr1 with the default retries of a connection (glanceProvidersYaml's allows one).
      providersYaml:
        glanceProvidersYaml(pair.nhnUrl, pair.standardUrl).replace('    maxRetries: 1\n', '') +
        `  - name: fpt-hcm\n    kind: fpt-metal-cloud\n    endpoint: ${fptUrl}\n    vpcId: ${VPC}\n    region: hcm\n    auth: { type: bearer, token: fpt-token }\n` +
        `  - name: genesis\n    kind: genesis-cloud\n    endpoint: ${genesisUrl}\n    auth: { type: bearer, token: genesis-token }\n` +
        `  - name: glance-extra\n    kind: openstack-glance\n    dialect: standard\n    endpoint: ${extraUrl}\n    region: r9\n    auth: { type: token, token: ${EXTRA_TOKEN} }\n`,
      env: { NHN_TOKEN, ...s3.env },
    });
    sourceId = await uploaded('gpu-base-1', bytes, { type: 'linux', distro: 'ubuntu', version: '24.04' });
    const created = await write('/v1/families', 'POST', {
      name: 'gpu-base',
      description: 'Ubuntu 24.04 with the NVIDIA driver',
      os: { type: 'linux', distro: 'ubuntu', version: '24.04', architecture: 'x86_64' },
      gpu: { vendor: 'nvidia', driver: '560.35', models: ['H100'] },
      targets: [{ provider: 'vietnix-hcm' }, { provider: 'nhn-kr1' }, { provider: 'fpt-hcm' }],
      onDrift: 'repair',
    });
    expect(created.status).toBe(201);
  }, 120_000);

  afterAll(async () => {
    await broker?.stop();
    await Promise.all([nhn?.close(), vietnix?.close(), extra?.close(), fpt?.close(), genesis?.close()]);
    await s3?.close();
  });

  it('creates a family with its targets, shows it and lists it; refuses unknown connections and regions, and a taken name', async () => {
    const got = await broker.api<Record<string, unknown>>('/v1/families/gpu-base', { secret: READER_SECRET });
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      name: 'gpu-base',
      onDrift: 'repair',
      os: { type: 'linux' },
      gpu: { models: ['H100'] },
      targets: [
        { provider: 'vietnix-hcm', region: 'hcm1' },
        { provider: 'nhn-kr1', region: 'kr1' },
        { provider: 'fpt-hcm', region: 'hcm' },
      ],
    });
    const list = await broker.api<{ items: Array<{ name: string }> }>('/v1/families?limit=10', {
      secret: READER_SECRET,
    });
    expect(list.body.items.map((f) => f.name)).toContain('gpu-base');

    const bad = await write<Problem>('/v1/families', 'POST', {
      name: 'broken',
      targets: [{ provider: 'nowhere' }, { provider: 'nhn-kr1', region: 'kr9' }],
    });
    expect(bad.status).toBe(422);
    expect(bad.body.errors?.map((e) => e.field)).toEqual(['targets[0].provider', 'targets[1].region']);
    const taken = await write<Problem>('/v1/families', 'POST', {
      name: 'gpu-base',
      targets: [{ provider: 'nhn-kr1' }],
    });
    expect(taken.status).toBe(409);
    // Writes need the write scope.
    const reader = await broker.api('/v1/families', {
      method: 'POST',
      body: { name: 'x', targets: [{ provider: 'nhn-kr1' }] },
      secret: READER_SECRET,
    });
    expect(reader.status).toBe(403);
  });

  it('publishes to three clouds with NHN failing half its requests: every placement ends active, with its copy, and events are recorded', async () => {
    // Half the requests NHN receives fail with a 503 while the version is placed (seeded: the same ones every run).
    nhn.faults.set({ errorRate: 0.5, errorStatuses: [503], seed: 15 });
    let done: Version;
    try {
      const res = await write<Version>('/v1/families/gpu-base/versions', 'POST', {
        version: '2026.12',
        imageId: sourceId,
      });
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ version: '2026.12', sha256: bytes.sha256, sourceImageId: sourceId });
      expect(res.body.placements.map((p) => p.provider)).toEqual(['vietnix-hcm', 'nhn-kr1', 'fpt-hcm']);
      // The source is on vietnix-hcm: that placement is the source itself, active at once.
      expect(res.body.placements[0]).toMatchObject({ status: 'active', imageId: sourceId, jobId: null });
      expect(res.body.placements.slice(1).every((p) => p.jobId !== null && p.status !== 'active')).toBe(true);
      done = await settled('gpu-base', '2026.12', 3);
    } finally {
      nhn.faults.clear();
    }
    expect(nhn.faults.stats().errors).toBeGreaterThan(0);
    expect(done.placements.map((p) => [p.provider, p.status, p.error?.message ?? null])).toEqual([
      ['vietnix-hcm', 'active', null],
      ['nhn-kr1', 'active', null],
      ['fpt-hcm', 'active', null],
    ]);
    for (const placement of done.placements) {
      expect(placement.nativeId).toBeTruthy();
      const image = (await broker.api<Image>(`/v1/images/${placement.imageId}`)).body;
      expect(image).toMatchObject({
        provider: placement.provider,
        nativeId: placement.nativeId,
        status: 'active',
        checksums: { sha256: bytes.sha256 },
      });
    }
    expect(nhn.store.get(done.placements[1].nativeId!)).toBeDefined();
    expect(fpt.store.customRecords().filter((i) => i.sha256 === bytes.sha256)).toHaveLength(1);
    const recorded = await events('families/gpu-base/versions/2026.12');
    // The publish leads, also before the source's own target, active in the same transaction.
    expect(recorded[0].type).toBe('version.published');
    expect(recorded.map((e) => e.type).sort()).toEqual([
      'placement.active',
      'placement.active',
      'placement.active',
      'version.published',
    ]);
    const nhnEvent = recorded.find((e) => e.type === 'placement.active' && e.data.provider === 'nhn-kr1')!;
    expect(nhnEvent.data).toMatchObject({
      family: 'gpu-base',
      version: '2026.12',
      region: 'kr1',
      imageId: done.placements[1].imageId,
      nativeId: done.placements[1].nativeId,
      error: null,
    });
    expect(new Set(recorded.map((e) => (e as unknown as { ordering_key: string }).ordering_key))).toEqual(
      new Set(['gpu-base']),
    );
  }, 180_000);

  it('places a drifted placement afresh when asked (what drift repair calls): a new copy, active, the only one at FPT', async () => {
    const before = (await version('gpu-base', '2026.12')).body.placements.find((p) => p.provider === 'fpt-hcm')!;
    // What a sync and drift detection leave behind: the copy gone upstream, its image deleted, the placement drifted.
    fpt.store.deleteCustom(before.nativeId!);
    const db = await connectDatabase(broker.databaseUrl);
    try {
      await db.query("UPDATE images SET status = 'deleted' WHERE id = $1", [before.imageId]);
      await db.query(
        "UPDATE placements SET status = 'drifted', error_code = 'vanished', error_message = 'gone upstream' WHERE id = $1",
        [before.id],
      );
    } finally {
      await db.end();
    }
    const res = await write<Version>(`/v1/families/gpu-base/versions/2026.12/placements/${before.id}/retry`, 'POST');
    expect(res.status).toBe(202);
    const again = res.body.placements.find((p) => p.id === before.id)!;
    expect(again.jobId).not.toBe(before.jobId);
    expect(again.status).not.toBe('drifted');
    const done = await settled('gpu-base', '2026.12', 3);
    const placed = done.placements.find((p) => p.id === before.id)!;
    expect(placed).toMatchObject({ status: 'active', error: null });
    expect(placed.nativeId).not.toBe(before.nativeId);
    const copies = fpt.store.customRecords().filter((i) => i.sha256 === bytes.sha256);
    expect(copies.map((c) => c.id)).toEqual([placed.nativeId]);
  }, 120_000);

  it('refuses a second version with the same sha256 or the same version string with 409', async () => {
    const sameImage = await write<Problem>('/v1/families/gpu-base/versions', 'POST', {
      version: '2026.13',
      imageId: sourceId,
    });
    expect(sameImage.status).toBe(409);
    expect(sameImage.body.detail).toMatch(/2026\.12/);
    const other = await uploaded('gpu-base-other', new TestImageBytes(1024 * 1024 + 3, 'families-other'));
    const sameVersion = await write<Problem>('/v1/families/gpu-base/versions', 'POST', {
      version: '2026.12',
      imageId: other,
    });
    expect(sameVersion.status).toBe(409);
  });

  it('refuses with 422, before any job, a target whose kind cannot take an image and NHN without os.type', async () => {
    const jobsBefore = (await broker.api<{ items: unknown[] }>('/v1/jobs?type=replicate&limit=500')).body.items.length;
    expect(
      (await write('/v1/families', 'POST', { name: 'on-genesis', targets: [{ provider: 'genesis' }] })).status,
    ).toBe(201);
    const genesisRefused = await write<Problem>('/v1/families/on-genesis/versions', 'POST', {
      version: '1',
      imageId: sourceId,
    });
    expect(genesisRefused.status).toBe(422);
    expect(genesisRefused.body.errors).toEqual([
      { field: 'targets[0].provider', message: expect.stringMatching(/genesis.*'create' and 'upload'/) },
    ]);

    // Neither the family nor the image gives an os.type, which NHN Cloud requires.
    const noOs = await uploaded('no-os-type', new TestImageBytes(1024 * 1024 + 5, 'families-no-os'));
    expect(
      (
        await write('/v1/families', 'POST', {
          name: 'no-os',
          targets: [{ provider: 'fpt-hcm' }, { provider: 'nhn-kr1' }],
        })
      ).status,
    ).toBe(201);
    const nhnRefused = await write<Problem>('/v1/families/no-os/versions', 'POST', { version: '1', imageId: noOs });
    expect(nhnRefused.status).toBe(422);
    expect(nhnRefused.body.errors?.map((e) => e.field)).toEqual(['targets[1].os.type']);
    expect(nhnRefused.body.errors?.[0].message).toMatch(/nhn-kr1/);
    expect((await broker.api<Version>('/v1/families/no-os/versions/1')).status).toBe(404);
    const jobsAfter = (await broker.api<{ items: unknown[] }>('/v1/jobs?type=replicate&limit=500')).body.items.length;
    expect(jobsAfter).toBe(jobsBefore);
  });

  it('retries a failed placement alone, and it then ends active; a placement that is not failed is a 409', async () => {
    const content = new TestImageBytes(2 * 1024 * 1024 + 7, 'families-retry');
    const imageId = await uploaded('retry-source', content, { type: 'linux' });
    expect((await write('/v1/families', 'POST', { name: 'retried', targets: [{ provider: 'nhn-kr1' }] })).status).toBe(
      201,
    );
    // NHN answers slowly meanwhile, so the placing job is still running when it is cancelled: the placement fails.
    nhn.faults.set({ latencyMs: [800, 800] });
    let failed: Version;
    try {
      const res = await write<Version>('/v1/families/retried/versions', 'POST', { version: '1.0.0', imageId });
      expect(res.status).toBe(202);
      const jobId = res.body.placements[0].jobId!;
      await waitFor(async () => (await broker.api<{ state: string }>(`/v1/jobs/${jobId}`)).body.state === 'running');
      expect((await write(`/v1/jobs/${jobId}/cancel`, 'POST')).status).toBe(200);
      failed = await settled('retried', '1.0.0', 1);
    } finally {
      nhn.faults.clear();
    }
    const placement = failed.placements[0];
    expect(placement).toMatchObject({ status: 'failed', error: { code: 'cancelled' } });
    expect((await events('families/retried/versions/1.0.0')).map((e) => e.type)).toContain('placement.failed');

    const retried = await write<Version>(
      `/v1/families/retried/versions/1.0.0/placements/${placement.id}/retry`,
      'POST',
    );
    expect(retried.status).toBe(202);
    expect(retried.body.placements[0].jobId).not.toBe(placement.jobId);
    const done = await settled('retried', '1.0.0', 1);
    expect(done.placements[0]).toMatchObject({ id: placement.id, status: 'active', error: null });
    expect(nhn.store.get(done.placements[0].nativeId!)).toMatchObject({ status: 'active' });

    const again = await write<Problem>(`/v1/families/retried/versions/1.0.0/placements/${placement.id}/retry`, 'POST');
    expect(again.status).toBe(409);
    const unknown = await write(
      '/v1/families/retried/versions/1.0.0/placements/00000000-0000-4000-8000-000000000000/retry',
      'POST',
    );
    expect(unknown.status).toBe(404);
  }, 180_000);

  it('places the current version on a target added by PATCH, and deletes that copy when the target is removed with deleteImages', async () => {
    const patched = await write<{ targets: Array<{ provider: string }> }>('/v1/families/gpu-base', 'PATCH', {
      targets: [
        { provider: 'vietnix-hcm' },
        { provider: 'nhn-kr1' },
        { provider: 'fpt-hcm' },
        { provider: 'glance-extra' },
      ],
    });
    expect(patched.status).toBe(200);
    expect(patched.body.targets.map((t) => t.provider)).toEqual(['vietnix-hcm', 'nhn-kr1', 'fpt-hcm', 'glance-extra']);
    const placed = await settled('gpu-base', '2026.12', 4);
    const added = placed.placements.find((p) => p.provider === 'glance-extra')!;
    expect(added).toMatchObject({ status: 'active', region: 'r9' });
    expect(extra.store.get(added.nativeId!)).toMatchObject({ status: 'active' });

    const removed = await broker.api<{ targets: Array<{ provider: string }> }>(
      '/v1/families/gpu-base?deleteImages=true',
      {
        method: 'PATCH',
        body: { targets: [{ provider: 'vietnix-hcm' }, { provider: 'nhn-kr1' }, { provider: 'fpt-hcm' }] },
        secret: WRITER_SECRET,
      },
    );
    expect(removed.status).toBe(200);
    expect(removed.body.targets.map((t) => t.provider)).toEqual(['vietnix-hcm', 'nhn-kr1', 'fpt-hcm']);
    const after = (await version('gpu-base', '2026.12')).body;
    expect(after.placements.find((p) => p.provider === 'glance-extra')).toMatchObject({ status: 'removed' });
    expect(extra.store.get(added.nativeId!)).toBeUndefined();
    expect((await broker.api<Image>(`/v1/images/${added.imageId}`)).body.status).toBe('deleted');
    // The other copies stay.
    expect(nhn.store.get(after.placements.find((p) => p.provider === 'nhn-kr1')!.nativeId!)).toBeDefined();
  }, 180_000);

  it('lists versions newest first; deleting a family with placements needs deleteImages', async () => {
    const list = await broker.api<{ items: Version[]; nextCursor: string | null }>(
      '/v1/families/gpu-base/versions?limit=1',
      { secret: READER_SECRET },
    );
    expect(list.status).toBe(200);
    expect(list.body.items.map((v) => v.version)).toEqual(['2026.12']);
    expect(list.body.nextCursor).toBeNull();

    const refused = await write<Problem>('/v1/families/retried', 'DELETE');
    expect(refused.status).toBe(422);
    expect(refused.body.errors?.[0].field).toBe('deleteImages');
    const kept = await write('/v1/families/retried?deleteImages=false', 'DELETE');
    expect(kept.status).toBe(204);
    expect((await broker.api('/v1/families/retried')).status).toBe(404);
    // Without placements, no parameter is needed.
    expect((await write('/v1/families/on-genesis', 'DELETE')).status).toBe(204);
  });
});
