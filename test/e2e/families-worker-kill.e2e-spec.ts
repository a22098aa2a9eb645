import { BrokerProcess, WRITER_SECRET } from '../../harness/broker-process';
import { connectDatabase } from '../../harness/isolated-resources';
import { startEmbeddedS3, type EmbeddedS3 } from '../../sandbox/embedded-s3';
import { createGlanceEmulator } from '../../src/providers/kinds/openstack-glance/emulator/glance.emulator';
import type { CountingProxy } from '../support/counting-proxy';
import { recordedFptParts, startFptWithCountedParts, type FptWithCountedParts } from '../support/fpt-counted-parts';
import { TestImageBytes } from '../support/image-bytes';
import { waitFor } from '../support/wait-for';

const VPC = '0f6c1f2e-3b4a-4d5e-8f90-123456789abc';
const FPT_TOKEN = 'fpt-family-kill-token';
const GLANCE_TOKEN = 'glance-family-kill-token-0123456789';
const PART = 4 * 1024 * 1024;
const PARTS = 12;

interface Placement {
  id: string;
  provider: string;
  imageId: string | null;
  nativeId: string | null;
  status: string;
  jobId: string | null;
}
interface Version {
  placements: Placement[];
}

/**
 * Issue 15: a worker killed with SIGKILL while it places a family version on
 * FPT. BullMQ hands the stalled job to a new worker, which resumes the push at
 * the first missing part; the placement then ends active, with exactly one
 * copy at FPT.
 */
describe('families: a worker killed mid-placement', () => {
  const bytes = new TestImageBytes(PARTS * PART, 'families-kill');
  let staging: EmbeddedS3;
  let fptParts: FptWithCountedParts;
  let proxy: CountingProxy;
  let fpt: FptWithCountedParts['fpt'];
  let glance: ReturnType<typeof createGlanceEmulator>;
  let api: BrokerProcess;
  let worker: BrokerProcess;
  let sourceId: string;

  const startWorker = () =>
    BrokerProcess.start({
      label: 'family-kill-worker',
      role: 'worker',
      shareWith: api,
      env: { JOB_LOCK_DURATION_MS: '3000' },
    });

  const recordedParts = (jobId: string) => recordedFptParts(api.databaseUrl, jobId);

  beforeAll(async () => {
    staging = await startEmbeddedS3('staging');
    fptParts = await startFptWithCountedParts({ vpcId: VPC, token: FPT_TOKEN, partSizeBytes: PART });
    ({ fpt, proxy } = fptParts);
    glance = createGlanceEmulator({ dialect: 'standard', tokens: [GLANCE_TOKEN] });
    const glanceUrl = await glance.listen();
    api = await BrokerProcess.start({
      label: 'family-kill-api',
      role: 'api',
      providersYaml:
        `providers:\n` +
        `  - name: glance-src\n    kind: openstack-glance\n    dialect: standard\n    endpoint: ${glanceUrl}\n    region: r1\n    auth: { type: token, token: ${GLANCE_TOKEN} }\n` +
        `  - name: fpt-hcm\n    kind: fpt-metal-cloud\n    endpoint: ${fptParts.url}\n    vpcId: ${VPC}\n    region: hcm\n    auth: { type: bearer, token: ${FPT_TOKEN} }\n`,
      env: { ...staging.env },
    });
    worker = await startWorker();

    const image = await api.api<{ id: string }>('/v1/images', {
      method: 'POST',
      body: {
        provider: 'glance-src',
        name: 'family-golden',
        diskFormat: 'raw',
        containerFormat: 'bare',
        sha256: bytes.sha256,
      },
      secret: WRITER_SECRET,
    });
    const put = await api.putImageFile(image.body.id, bytes.stream());
    expect((await api.waitForJob(put.body.id, 120_000)).state).toBe('succeeded');
    sourceId = image.body.id;
    const family = await api.api('/v1/families', {
      method: 'POST',
      body: { name: 'killed', targets: [{ provider: 'glance-src' }, { provider: 'fpt-hcm' }] },
      secret: WRITER_SECRET,
    });
    expect(family.status).toBe(201);
  }, 180_000);

  afterAll(async () => {
    await worker?.stop();
    await api?.stop();
    await Promise.all([fptParts?.close(), glance?.close()]);
    await staging?.close();
  });

  it('resumes the placement on another worker, which ends active with one copy at FPT and no part sent twice', async () => {
    proxy.partPuts.clear();
    const customBefore = fpt.store.customCount;
    // FPT answers slowly, so the push is still under way when the worker dies.
    fpt.faults.set({ latencyMs: [250, 250] });
    try {
      const res = await api.api<Version>('/v1/families/killed/versions', {
        method: 'POST',
        body: { version: '1.0.0', imageId: sourceId },
        secret: WRITER_SECRET,
      });
      expect(res.status).toBe(202);
      const placement = res.body.placements.find((p) => p.provider === 'fpt-hcm')!;
      const jobId = placement.jobId!;

      await waitFor(async () => (await recordedParts(jobId)).length >= 3, 120_000, 50);
      const placing = await api.api<Version>('/v1/families/killed/versions/1.0.0');
      expect(placing.body.placements.find((p) => p.id === placement.id)).toMatchObject({ status: 'placing', jobId });

      worker.signal('SIGKILL');
      await worker.waitForExit();
      const before = await recordedParts(jobId);
      expect(before.length).toBeLessThan(PARTS);
      fpt.faults.clear();

      worker = await startWorker();
      await waitFor(
        async () => {
          const got = await api.api<Version>('/v1/families/killed/versions/1.0.0');
          return got.body.placements.every((p) => p.status === 'active' || p.status === 'failed');
        },
        150_000,
        200,
      );
      const done = (await api.api<Version>('/v1/families/killed/versions/1.0.0')).body;
      const fptPlacement = done.placements.find((p) => p.id === placement.id)!;
      // The same job, taken over as a stalled one: not a second job, not a second copy.
      expect(fptPlacement).toMatchObject({ status: 'active', jobId });
      expect(worker.output).toMatch(/replicate job started/);

      expect(fpt.store.customCount).toBe(customBefore + 1);
      const copies = fpt.store.customRecords().filter((i) => i.sha256 === bytes.sha256);
      expect(copies).toHaveLength(1);
      expect(copies[0]).toMatchObject({ id: fptPlacement.nativeId, status: 'active' });
      for (const part of before) expect([part, proxy.partPuts.get(part)]).toEqual([part, 1]);

      const db = await connectDatabase(api.databaseUrl);
      try {
        const { rows } = await db.query<{ type: string }>(
          "SELECT type FROM events WHERE subject = 'families/killed/versions/1.0.0' ORDER BY id",
        );
        // The publish leads; the source's own target is active in its transaction, FPT's once its job ends.
        expect(rows.map((r) => r.type)).toEqual(['version.published', 'placement.active', 'placement.active']);
      } finally {
        await db.end();
      }
    } finally {
      fpt.faults.clear();
    }
  }, 240_000);
});
