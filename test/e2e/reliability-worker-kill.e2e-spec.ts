import IORedis from 'ioredis';
import { BrokerProcess, WRITER_SECRET } from '../../harness/broker-process';
import { REDIS_URL } from '../../harness/isolated-resources';
import { startEmbeddedS3, type EmbeddedS3 } from '../../sandbox/embedded-s3';
import { createGlanceEmulator } from '../../src/providers/kinds/openstack-glance/emulator/glance.emulator';
import type { CountingProxy } from '../support/counting-proxy';
import { recordedFptParts, startFptWithCountedParts, type FptWithCountedParts } from '../support/fpt-counted-parts';
import { TestImageBytes } from '../support/image-bytes';
import { waitFor } from '../support/wait-for';

const VPC = '0f6c1f2e-3b4a-4d5e-8f90-123456789abc';
const FPT_TOKEN = 'fpt-kill-token';
const GLANCE_TOKEN = 'glance-kill-token-0123456789';
const PART = 8 * 1024 * 1024;
const PARTS = 32; // 256 MiB

interface Target {
  id: string;
  status: string;
  imageId: string | null;
  jobId: string;
  reused: boolean;
}
interface Image {
  id: string;
  nativeId: string;
  status: string;
  checksums: { sha256: string | null };
}

/**
 * Point 4 of the reliability work: a worker killed with SIGKILL halfway through
 * replicating a 256 MiB image is noticed as stalled once its BullMQ lock
 * lapses, and a new worker finishes the job from the last checkpoint.
 */
describe('reliability: a worker killed halfway through a 256 MiB replication', () => {
  const bytes = new TestImageBytes(PARTS * PART, 'reliability-kill');
  let staging: EmbeddedS3;
  let fptParts: FptWithCountedParts;
  let proxy: CountingProxy;
  let fpt: FptWithCountedParts['fpt'];
  let glance: ReturnType<typeof createGlanceEmulator>;
  let glanceDst: ReturnType<typeof createGlanceEmulator>;
  let api: BrokerProcess;
  let worker: BrokerProcess;
  let sourceId: string;

  const startWorker = () =>
    BrokerProcess.start({
      label: 'kill-worker',
      role: 'worker',
      shareWith: api,
      env: { JOB_LOCK_DURATION_MS: '3000' },
    });

  const recordedParts = (jobId: string) => recordedFptParts(api.databaseUrl, jobId);

  beforeAll(async () => {
    staging = await startEmbeddedS3('staging');
    fptParts = await startFptWithCountedParts({ vpcId: VPC, token: FPT_TOKEN, partSizeBytes: PART });
    ({ fpt, proxy } = fptParts);
    const fptUrl = fptParts.url;
    glance = createGlanceEmulator({ dialect: 'standard', tokens: [GLANCE_TOKEN] });
    glanceDst = createGlanceEmulator({ dialect: 'standard', tokens: [GLANCE_TOKEN] });
    const [glanceUrl, glanceDstUrl] = await Promise.all([glance.listen(), glanceDst.listen()]);
    api = await BrokerProcess.start({
      label: 'kill-api',
      role: 'api',
      providersYaml:
        `providers:\n` +
        `  - name: glance-src\n    kind: openstack-glance\n    dialect: standard\n    endpoint: ${glanceUrl}\n    region: r1\n    auth: { type: token, token: ${GLANCE_TOKEN} }\n` +
        `  - name: fpt-hcm\n    kind: fpt-metal-cloud\n    endpoint: ${fptUrl}\n    vpcId: ${VPC}\n    region: hcm\n    auth: { type: bearer, token: ${FPT_TOKEN} }\n` +
        `  - name: glance-dst\n    kind: openstack-glance\n    dialect: standard\n    endpoint: ${glanceDstUrl}\n    region: r2\n    auth: { type: token, token: ${GLANCE_TOKEN} }\n`,
      env: { ...staging.env },
    });
    worker = await startWorker();

    const image = await api.api<{ id: string }>('/v1/images', {
      method: 'POST',
      body: {
        provider: 'glance-src',
        name: 'big-golden',
        diskFormat: 'raw',
        containerFormat: 'bare',
        sha256: bytes.sha256,
      },
      secret: WRITER_SECRET,
    });
    const put = await api.putImageFile(image.body.id, bytes.stream());
    expect(put.status).toBe(202);
    expect((await api.waitForJob(put.body.id, 120_000)).state).toBe('succeeded');
    sourceId = image.body.id;
  }, 180_000);

  afterAll(async () => {
    await worker?.stop();
    await api?.stop();
    await Promise.all([fptParts?.close(), glance?.close(), glanceDst?.close()]);
    await staging?.close();
  });

  it('keeps its lock while it runs, is taken over after SIGKILL, resumes at the first missing part and leaves exactly one copy', async () => {
    proxy.partPuts.clear();
    const customBefore = fpt.store.customCount;
    const res = await api.api<{ id: string; targets: Target[] }>(`/v1/images/${sourceId}/replications`, {
      method: 'POST',
      body: { targets: [{ provider: 'fpt-hcm' }] },
      secret: WRITER_SECRET,
    });
    expect(res.status).toBe(202);
    const jobId = res.body.targets[0].jobId;

    // About half the parts recorded: the transfer has run far longer than JOB_LOCK_DURATION_MS (3 s) by now.
    await waitFor(async () => (await recordedParts(jobId)).length >= PARTS / 2 - 2, 150_000, 50);
    const progress = await api.api<{ state: string; progress: { bytesDone: number; bytesTotal: number } }>(
      `/v1/jobs/${jobId}`,
    );
    expect(progress.body.state).toBe('running');
    expect(progress.body.progress.bytesDone).toBeGreaterThan(0);
    // The lock was renewed all along: the job never stalled and was never started a second time.
    expect(worker.output.match(/replicate job started/g)).toHaveLength(1);
    expect(worker.output).not.toMatch(/stalled/i);

    worker.signal('SIGKILL');
    await worker.waitForExit();
    const before = await recordedParts(jobId);
    expect(before.length).toBeGreaterThanOrEqual(PARTS / 2 - 2);
    expect(before.length).toBeLessThan(PARTS);

    worker = await startWorker();
    const job = await api.waitForJob(jobId, 150_000);
    expect(job.state).toBe('succeeded');
    // The new worker took it over as a stalled job, not as a fresh one.
    expect(worker.output).toMatch(/replicate job started/);

    const list = await api.api<{ items: Array<{ id: string; targets: Target[] }> }>(
      `/v1/images/${sourceId}/replications`,
    );
    const target = list.body.items.find((r) => r.id === res.body.id)!.targets[0];
    expect(target).toMatchObject({ status: 'succeeded', reused: false });
    const copy = (await api.api<Image>(`/v1/images/${target.imageId}`)).body;
    expect(copy).toMatchObject({ status: 'active', checksums: { sha256: bytes.sha256 } });

    // At the target itself: exactly one new image, active, with the source's sha256.
    expect(fpt.store.customCount).toBe(customBefore + 1);
    // The emulator's own records: FPT's list is not documented to show sha256 or status.
    const atFpt = fpt.store.customRecords();
    const copies = atFpt.filter((i) => i.sha256 === bytes.sha256);
    expect(copies).toHaveLength(1);
    expect(copies[0].status).toBe('active');
    expect(copies[0]).toMatchObject({ id: copy.nativeId });

    // Resumed from the checkpoint: every part recorded before the kill was sent exactly once.
    for (const part of before) expect([part, proxy.partPuts.get(part)]).toEqual([part, 1]);
    expect([...proxy.partPuts.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: PARTS }, (_, i) => i + 1));
  });

  it('takes over the download two targets share when the worker holding it is killed, and each target ends with one copy', async () => {
    const shared = new TestImageBytes(24 * 1024 * 1024 + 7, 'reliability-shared-source');
    const image = await api.api<{ id: string }>('/v1/images', {
      method: 'POST',
      body: {
        provider: 'glance-src',
        name: 'shared-golden',
        diskFormat: 'raw',
        containerFormat: 'bare',
        sha256: shared.sha256,
      },
      secret: WRITER_SECRET,
    });
    const put = await api.putImageFile(image.body.id, shared.stream());
    expect((await api.waitForJob(put.body.id, 120_000)).state).toBe('succeeded');

    // The source answers slowly, so the worker is killed while it holds the download's lease.
    glance.faults.set({ latencyMs: [4000, 4000] });
    const redis = new IORedis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      const res = await api.api<{ id: string; targets: Target[] }>(`/v1/images/${image.body.id}/replications`, {
        method: 'POST',
        body: { targets: [{ provider: 'fpt-hcm' }, { provider: 'glance-dst' }] },
        secret: WRITER_SECRET,
      });
      expect(res.status).toBe(202);
      // The lease as redis-semaphore keeps it (a Mutex's `mutex:` key).
      const lease = `mutex:${api.redisPrefix}:replication-source:${res.body.id}`;
      await waitFor(async () => (await redis.exists(lease)) === 1, 30_000, 50);
      worker.signal('SIGKILL');
      await worker.waitForExit();
      expect(await redis.exists(lease)).toBe(1);
      glance.faults.clear();

      worker = await startWorker();
      for (const target of res.body.targets)
        expect((await api.waitForJob(target.jobId, 120_000)).state).toBe('succeeded');
      const list = await api.api<{ items: Array<{ id: string; targets: Target[] }> }>(
        `/v1/images/${image.body.id}/replications`,
      );
      for (const target of list.body.items.find((r) => r.id === res.body.id)!.targets) {
        const copy = (await api.api<Image>(`/v1/images/${target.imageId}`)).body;
        expect(copy).toMatchObject({ status: 'active', checksums: { sha256: shared.sha256 } });
      }
      // No lease is left behind, and the last target to end removed the staged source.
      expect(await redis.exists(lease)).toBe(0);
      const listed = await fetch(`${staging.endpoint}/staging?list-type=2&prefix=replications/`);
      expect(await listed.text()).not.toMatch(/<Key>/);
    } finally {
      glance.faults.clear();
      redis.disconnect();
    }
  }, 180_000);
});
