import { open } from 'node:fs/promises';
import { BrokerProcess, WRITER_SECRET } from '../../harness/broker-process';
import { startEmbeddedS3, type EmbeddedS3 } from '../../sandbox/embedded-s3';
import { createFptEmulator } from '../../src/providers/kinds/fpt-metal-cloud/emulator/fpt.emulator';
import { createGenesisEmulator } from '../../src/providers/kinds/genesis-cloud/emulator/genesis.emulator';
import { generateGenesisSeed } from '../../src/providers/kinds/genesis-cloud/emulator/genesis-seed';
import { glanceProvidersYaml, NHN_TOKEN, startGlancePair, type GlanceEmulator } from '../support/glance-fixtures';
import { TestImageBytes } from '../support/image-bytes';
import { waitFor } from '../support/wait-for';

const VPC = '0f6c1f2e-3b4a-4d5e-8f90-123456789abc';

interface Target {
  id: string;
  provider: string;
  status: string;
  imageId: string | null;
  jobId: string | null;
  reused: boolean;
  error: { code: string } | null;
}
interface Replication {
  id: string;
  targets: Target[];
}
interface Image {
  id: string;
  status: string;
  checksums: { sha256: string | null; sha512: string | null };
}

describe('replicating an image to other clouds', () => {
  const bytes = new TestImageBytes(9 * 1024 * 1024 + 5, 'replicate');
  let s3: EmbeddedS3;
  let glance: GlanceEmulator[] = [];
  let fpt: ReturnType<typeof createFptEmulator>;
  let genesis: ReturnType<typeof createGenesisEmulator>;
  let broker: BrokerProcess;
  let sourceId: string;

  const replicate = (id: string, targets: Array<Record<string, string>>) =>
    broker.api<Replication & { errors?: Array<{ field: string }>; provider?: string; operation?: string }>(
      `/v1/images/${id}/replications`,
      { method: 'POST', body: { targets }, secret: WRITER_SECRET },
    );

  async function settled(replicationId: string, imageId = sourceId): Promise<Replication> {
    for (;;) {
      const list = (await broker.api<{ items: Replication[] }>(`/v1/images/${imageId}/replications`)).body.items;
      const found = list.find((r) => r.id === replicationId)!;
      if (found.targets.every((t) => ['succeeded', 'failed', 'cancelled'].includes(t.status))) return found;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** A new source image on vietnix-hcm holding `bytes`, uploaded through the broker (its staged copy is gone once pushed). */
  async function uploadedToVietnix(name: string, bytes: TestImageBytes): Promise<string> {
    const image = await broker.api<{ id: string }>('/v1/images', {
      method: 'POST',
      body: {
        provider: 'vietnix-hcm',
        name,
        diskFormat: 'raw',
        containerFormat: 'bare',
        os: { type: 'linux' },
        sha256: bytes.sha256,
      },
      secret: WRITER_SECRET,
    });
    const put = await broker.putImageFile(image.body.id, bytes.stream());
    expect((await broker.waitForJob(put.body.id)).state).toBe('succeeded');
    return image.body.id;
  }

  /** Bytes the broker has read from a provider into staging (image_broker_transfer_bytes_total). */
  async function bytesDownloadedFrom(provider: string): Promise<number> {
    const metrics = String((await broker.api<string>('/metrics', { secret: null })).body);
    const line = metrics
      .split('\n')
      .find(
        (l) =>
          l.startsWith('image_broker_transfer_bytes_total{') &&
          l.includes('direction="provider_to_staging"') &&
          l.includes(`provider="${provider}"`),
      );
    return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
  }

  async function stagedKeys(): Promise<string[]> {
    const res = await fetch(`${s3.endpoint}/${s3.env.STAGING_S3_BUCKET}?list-type=2`);
    return [...(await res.text()).matchAll(/<Key>([^<]+)<\/Key>/g)].map((m) => m[1]);
  }

  beforeAll(async () => {
    s3 = await startEmbeddedS3();
    const pair = await startGlancePair({ nhn: 2, standard: 2 });
    glance = [pair.nhn, pair.standard];
    fpt = createFptEmulator({ vpcId: VPC, tokens: ['fpt-token'], partSizeBytes: 4 * 1024 * 1024 });
    genesis = createGenesisEmulator({ tokens: ['genesis-token'], images: generateGenesisSeed({ count: 3, seed: 1 }) });
    const [fptUrl, genesisUrl] = await Promise.all([fpt.listen(), genesis.listen()]);
    broker = await BrokerProcess.start({
      label: 'replication',
      providersYaml: glanceProvidersYaml(
        pair.nhnUrl,
        pair.standardUrl,
        `  - name: fpt-hcm\n    kind: fpt-metal-cloud\n    endpoint: ${fptUrl}\n    vpcId: ${VPC}\n    region: hcm\n    auth: { type: bearer, token: fpt-token }\n` +
          `  - name: genesis\n    kind: genesis-cloud\n    endpoint: ${genesisUrl}\n    auth: { type: bearer, token: genesis-token }\n`,
      ),
      env: { NHN_TOKEN, ...s3.env },
    });
    const image = await broker.api<{ id: string }>('/v1/images', {
      method: 'POST',
      body: {
        provider: 'vietnix-hcm',
        name: 'golden',
        diskFormat: 'raw',
        containerFormat: 'bare',
        os: { type: 'linux', distro: 'ubuntu', version: '22.04' },
        sha256: bytes.sha256,
      },
      secret: WRITER_SECRET,
    });
    sourceId = image.body.id;
    const put = await broker.putImageFile(sourceId, bytes.stream());
    expect((await broker.waitForJob(put.body.id)).state).toBe('succeeded');
  });
  afterAll(async () => {
    await broker?.stop();
    await Promise.all([...glance.map((g) => g.close()), fpt?.close(), genesis?.close()]);
    await s3?.close();
  });

  it('retries one cancelled target alone, and it then succeeds, checked against the source sha256', async () => {
    fpt.faults.set({ latencyMs: [800, 800] });
    let res;
    try {
      res = await replicate(sourceId, [{ provider: 'fpt-hcm' }]);
      expect(res.status).toBe(202);
      const target = res.body.targets[0];
      await waitFor(
        async () => (await broker.api<{ state: string }>(`/v1/jobs/${target.jobId}`)).body.state === 'running',
      );
      expect(
        (await broker.api(`/v1/jobs/${target.jobId}/cancel`, { method: 'POST', secret: WRITER_SECRET })).status,
      ).toBe(200);
    } finally {
      fpt.faults.clear();
    }
    const cancelled = await settled(res.body.id);
    expect(cancelled.targets[0].status).toBe('cancelled');
    const retried = await broker.api<Replication>(
      `/v1/images/${sourceId}/replications/${res.body.id}/targets/${cancelled.targets[0].id}/retry`,
      { method: 'POST', secret: WRITER_SECRET },
    );
    expect(retried.status).toBe(202);
    const done = await settled(res.body.id);
    expect(done.targets[0]).toMatchObject({ status: 'succeeded', reused: false });
    const copy = (await broker.api<Image>(`/v1/images/${done.targets[0].imageId}`)).body;
    expect(copy).toMatchObject({ status: 'active', checksums: { sha256: bytes.sha256 } });
    const again = await broker.api(
      `/v1/images/${sourceId}/replications/${res.body.id}/targets/${done.targets[0].id}/retry`,
      {
        method: 'POST',
        secret: WRITER_SECRET,
      },
    );
    expect(again.status).toBe(409);
  });

  it('copies to NHN Glance with its own job, and reuses the FPT copy that holds the same sha256', async () => {
    const customBefore = fpt.store.customCount;
    const res = await replicate(sourceId, [{ provider: 'nhn-kr1' }, { provider: 'fpt-hcm' }]);
    expect(res.status).toBe(202);
    expect(res.body.targets.map((t) => t.provider)).toEqual(['nhn-kr1', 'fpt-hcm']);
    expect(new Set(res.body.targets.map((t) => t.jobId)).size).toBe(2);
    const done = await settled(res.body.id);
    const [nhn, fptTarget] = done.targets;
    expect(nhn).toMatchObject({ status: 'succeeded', reused: false });
    expect(fptTarget).toMatchObject({ status: 'succeeded', reused: true });
    expect(fpt.store.customCount).toBe(customBefore);
    const copy = (await broker.api<Image>(`/v1/images/${nhn.imageId}`)).body;
    expect(copy).toMatchObject({ status: 'active', checksums: { sha256: bytes.sha256, sha512: bytes.sha512 } });
    const listed = await broker.api<{ items: Replication[] }>(`/v1/images/${sourceId}/replications`);
    expect(listed.body.items.map((r) => r.id)).toContain(res.body.id);
  });

  it('reads the source from its cloud once for all its targets, and removes that copy when the last target ends', async () => {
    const other = new TestImageBytes(6 * 1024 * 1024 + 3, 'shared-source');
    const imageId = await uploadedToVietnix('shared', other);
    const downloadedBefore = await bytesDownloadedFrom('vietnix-hcm');

    const res = await replicate(imageId, [{ provider: 'nhn-kr1' }, { provider: 'fpt-hcm' }]);
    expect(res.status).toBe(202);
    const done = await settled(res.body.id, imageId);
    expect(done.targets.map((t) => [t.provider, t.status, t.reused])).toEqual([
      ['nhn-kr1', 'succeeded', false],
      ['fpt-hcm', 'succeeded', false],
    ]);
    for (const target of done.targets) {
      const copy = (await broker.api<Image>(`/v1/images/${target.imageId}`)).body;
      expect(copy).toMatchObject({ status: 'active', checksums: { sha256: other.sha256 } });
    }
    // Two targets, one download: each of them would otherwise read the source from its cloud.
    expect((await bytesDownloadedFrom('vietnix-hcm')) - downloadedBefore).toBe(other.sizeBytes);
    await waitFor(async () => !(await stagedKeys()).some((key) => key.startsWith('replications/')));
  });

  it('fails every target of a source that does not match the catalogue with one download, and a retry checks it again', async () => {
    const bad = new TestImageBytes(5 * 1024 * 1024 + 1, 'bad-source');
    const imageId = await uploadedToVietnix('bad', bad);
    // The cloud's copy goes bad after the upload: its bytes no longer match the checksums it reported.
    const nativeId = (await broker.api<{ nativeId: string }>(`/v1/images/${imageId}`)).body.nativeId;
    const stored = glance[1].store.get(nativeId)!.dataPath!;
    const handle = await open(stored, 'r+');
    await handle.write(Buffer.from([0xff, 0x00, 0xff]), 0, 3, 1024);
    await handle.close();
    const downloadedBefore = await bytesDownloadedFrom('vietnix-hcm');

    const res = await replicate(imageId, [{ provider: 'nhn-kr1' }, { provider: 'fpt-hcm' }]);
    const failed = await settled(res.body.id, imageId);
    for (const target of failed.targets) {
      expect(target).toMatchObject({ status: 'failed', error: { code: 'checksum_mismatch' } });
    }
    expect((await bytesDownloadedFrom('vietnix-hcm')) - downloadedBefore).toBe(bad.sizeBytes);

    const retried = await broker.api<Replication>(
      `/v1/images/${imageId}/replications/${res.body.id}/targets/${failed.targets[0].id}/retry`,
      { method: 'POST', secret: WRITER_SECRET },
    );
    expect(retried.status).toBe(202);
    const again = await settled(res.body.id, imageId);
    expect(again.targets[0]).toMatchObject({ status: 'failed', error: { code: 'checksum_mismatch' } });
    expect((await bytesDownloadedFrom('vietnix-hcm')) - downloadedBefore).toBe(2 * bad.sizeBytes);
    expect((await stagedKeys()).some((key) => key.startsWith('replications/'))).toBe(false);
  });

  it('refuses an unknown provider, the source itself, and names the field', async () => {
    const unknown = await replicate(sourceId, [{ provider: 'nowhere' }]);
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors?.[0].field).toBe('targets[0].provider');
    const itself = await replicate(sourceId, [{ provider: 'vietnix-hcm' }]);
    expect(itself.status).toBe(422);
    expect(itself.body.errors?.[0].field).toBe('targets[0].provider');
  });

  it('refuses with 422 a target without create or upload, naming it, and an image that is not active', async () => {
    const noUpload = await replicate(sourceId, [{ provider: 'genesis' }]);
    expect(noUpload.status).toBe(422);
    expect(noUpload.body.errors).toEqual([
      {
        field: 'targets[0].provider',
        message: expect.stringMatching(/^genesis \(genesis-cloud\): .*'create' and 'upload'/),
      },
    ]);
    const pending = await broker.api<{ id: string }>('/v1/images', {
      method: 'POST',
      body: { provider: 'vietnix-hcm', name: 'not-yet', diskFormat: 'raw', containerFormat: 'bare' },
      secret: WRITER_SECRET,
    });
    expect((await replicate(pending.body.id, [{ provider: 'fpt-hcm' }])).status).toBe(422);
  });

  it('checks each target before queueing: an NHN target of a source without os.type is a 422 naming it, and an os override makes the copy', async () => {
    const plain = new TestImageBytes(2 * 1024 * 1024 + 9, 'no-os');
    const image = await broker.api<{ id: string }>('/v1/images', {
      method: 'POST',
      body: {
        provider: 'vietnix-hcm',
        name: 'no-os',
        diskFormat: 'raw',
        containerFormat: 'bare',
        sha256: plain.sha256,
      },
      secret: WRITER_SECRET,
    });
    const put = await broker.putImageFile(image.body.id, plain.stream());
    expect((await broker.waitForJob(put.body.id)).state).toBe('succeeded');
    const replicateJobs = async () =>
      (await broker.api<{ items: Array<{ type: string }> }>(`/v1/jobs?imageId=${image.body.id}`)).body.items.filter(
        (j) => j.type === 'replicate',
      );

    const refused = await broker.api<{ status: number; errors: Array<{ field: string; message: string }> }>(
      `/v1/images/${image.body.id}/replications`,
      { method: 'POST', body: { targets: [{ provider: 'fpt-hcm' }, { provider: 'nhn-kr1' }] }, secret: WRITER_SECRET },
    );
    expect(refused.status).toBe(422);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.body.errors).toEqual([
      { field: 'targets[1].os.type', message: expect.stringContaining('nhn-kr1 (openstack-glance)') },
    ]);
    expect(await replicateJobs()).toEqual([]);
    expect((await broker.api<{ items: unknown[] }>(`/v1/images/${image.body.id}/replications`)).body.items).toEqual([]);

    const accepted = await broker.api<Replication>(`/v1/images/${image.body.id}/replications`, {
      method: 'POST',
      body: {
        targets: [
          { provider: 'nhn-kr1', name: 'no-os-copy', os: { type: 'linux', distro: 'ubuntu', version: '24.04' } },
        ],
      },
      secret: WRITER_SECRET,
    });
    expect(accepted.status).toBe(202);
    const done = await settled(accepted.body.id, image.body.id);
    expect(done.targets[0]).toMatchObject({ status: 'succeeded', reused: false });
    const copy = (
      await broker.api<Image & { name: string; os: { type: string; distro: string; version: string } }>(
        `/v1/images/${done.targets[0].imageId}`,
      )
    ).body;
    expect(copy).toMatchObject({
      status: 'active',
      name: 'no-os-copy',
      os: { type: 'linux', distro: 'ubuntu', version: '24.04' },
      checksums: { sha256: plain.sha256 },
    });
  });

  it('refuses overrides a target cannot take and what the source lacks for it, naming each field', async () => {
    const res = await broker.api<{ errors: Array<{ field: string }> }>(`/v1/images/${sourceId}/replications`, {
      method: 'POST',
      body: {
        targets: [
          { provider: 'nhn-kr1', visibility: 'public' },
          { provider: 'fpt-hcm', visibility: 'shared' },
          { provider: 'nhn-kr1', region: 'nowhere' },
          { provider: 'nhn-kr1', os: { type: 'solaris' } },
        ],
      },
      secret: WRITER_SECRET,
    });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e) => e.field)).toEqual(['targets.3.os.type']);
    const refused = await broker.api<{ errors: Array<{ field: string }> }>(`/v1/images/${sourceId}/replications`, {
      method: 'POST',
      body: {
        targets: [
          { provider: 'nhn-kr1', visibility: 'public' },
          { provider: 'fpt-hcm', visibility: 'shared' },
          { provider: 'nhn-kr1', region: 'nowhere' },
        ],
      },
      secret: WRITER_SECRET,
    });
    expect(refused.status).toBe(422);
    expect(refused.body.errors.map((e) => e.field)).toEqual([
      'targets[0].visibility',
      'targets[1].visibility',
      'targets[2].region',
    ]);
  });
});
