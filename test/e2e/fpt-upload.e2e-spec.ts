import { BrokerProcess, WRITER_SECRET } from '../../harness/broker-process';
import { connectDatabase } from '../../harness/isolated-resources';
import { startEmbeddedS3, type EmbeddedS3 } from '../../sandbox/embedded-s3';
import type { CountingProxy } from '../support/counting-proxy';
import { startFptWithCountedParts, type FptWithCountedParts } from '../support/fpt-counted-parts';
import { TestImageBytes } from '../support/image-bytes';
import { openUploadRequest } from '../support/upload-request';
import { waitFor } from '../support/wait-for';

const VPC = '0f6c1f2e-3b4a-4d5e-8f90-123456789abc';
const TOKEN = 'fpt-test-token';
const PART = 8 * 1024 * 1024;

interface Image {
  id: string;
  nativeId: string;
  status: string;
  kind: string;
  sizeBytes: number | null;
  checksums: { sha256: string | null };
}

describe('uploads to FPT Metal Cloud', () => {
  let staging: EmbeddedS3;
  let fptParts: FptWithCountedParts;
  let proxy: CountingProxy;
  let api: BrokerProcess;
  let worker: BrokerProcess;

  const putFile = (id: string, bytes: TestImageBytes) => api.putImageFile(id, bytes.stream());

  /** A custom image on FPT, registered with the size and sha256 of `bytes`, as FPT needs. */
  async function registerOnFpt(name: string, bytes: TestImageBytes): Promise<Image> {
    return (
      await api.api<Image>('/v1/images', {
        method: 'POST',
        body: { provider: 'fpt-hcm', name, sizeBytes: bytes.sizeBytes, sha256: bytes.sha256 },
        secret: WRITER_SECRET,
      })
    ).body;
  }

  /** Keys in the staging bucket (s3rver answers an unsigned ListObjectsV2). */
  async function stagedKeys(): Promise<string[]> {
    const res = await fetch(`${staging.endpoint}/staging?list-type=2`);
    return [...(await res.text()).matchAll(/<Key>([^<]+)<\/Key>/g)].map((m) => m[1]);
  }

  /** The parts recorded for one image's uploads. */
  async function recordedParts(imageId: string): Promise<number[]> {
    const db = await connectDatabase(api.databaseUrl);
    try {
      const { rows } = await db.query<{ part_number: number }>(
        'SELECT p.part_number FROM upload_parts p JOIN uploads u ON u.id = p.upload_id WHERE u.image_id = $1 ORDER BY p.part_number',
        [imageId],
      );
      return rows.map((r) => r.part_number);
    } finally {
      await db.end();
    }
  }

  const startWorker = () =>
    BrokerProcess.start({ label: 'fpt-worker', role: 'worker', shareWith: api, env: { JOB_LOCK_DURATION_MS: '3000' } });

  beforeAll(async () => {
    staging = await startEmbeddedS3('staging');
    fptParts = await startFptWithCountedParts({ vpcId: VPC, token: TOKEN, partSizeBytes: PART });
    proxy = fptParts.proxy;
    const fptUrl = fptParts.url;
    api = await BrokerProcess.start({
      label: 'fpt-api',
      role: 'api',
      providersYaml: `providers:\n  - name: fpt-hcm\n    kind: fpt-metal-cloud\n    endpoint: ${fptUrl}\n    vpcId: ${VPC}\n    region: hcm\n    auth: { type: bearer, token: ${TOKEN} }\n`,
      // Segments of 16 MiB: a 24-part upload is pushed to FPT while the client is still sending it.
      env: { ...staging.env, STAGING_SEGMENT_MIB: '16' },
    });
    worker = await startWorker();
  });
  afterAll(async () => {
    await worker?.stop();
    await api?.stop();
    await fptParts?.close();
    await staging?.close();
  });

  it('refuses to register without the size and sha256 FPT needs, naming them', async () => {
    const res = await api.api<{ detail: string }>('/v1/images', {
      method: 'POST',
      body: { provider: 'fpt-hcm', name: 'no-digest' },
      secret: WRITER_SECRET,
    });
    expect(res.status).toBe(422);
    expect(res.body.detail).toMatch(/sizeBytes/);
    expect(res.body.detail).toMatch(/sha256/);
  });

  it('registers, uploads part by part through presigned URLs, completes, and ends active with the sha256', async () => {
    const bytes = new TestImageBytes(3 * PART + 4321, 'fpt-small');
    const image = await registerOnFpt('fpt-small', bytes);
    expect(image).toMatchObject({ kind: 'custom', status: 'pending' });
    const put = await putFile(image.id, bytes);
    expect(put.status).toBe(202);
    expect((await api.waitForJob(put.body.id, 60_000)).state).toBe('succeeded');
    const done = (await api.api<Image>(`/v1/images/${image.id}`)).body;
    expect(done).toMatchObject({ status: 'active', sizeBytes: bytes.sizeBytes, checksums: { sha256: bytes.sha256 } });
  });

  it('leaves an image active with its portal sync pending when that sync fails after the bytes landed, and completes the sync through its route', async () => {
    const { fpt } = fptParts;
    const bytes = new TestImageBytes(PART + 99, 'fpt-portal-down');
    const image = await registerOnFpt('fpt-portal-down', bytes);
    fpt.portal.begin(500);
    try {
      const put = await putFile(image.id, bytes);
      expect(put.status).toBe(202);
      const job = await api.waitForJob(put.body.id, 60_000);
      // The bytes landed: the upload succeeded, whatever the portal said.
      expect(job).toMatchObject({ state: 'succeeded', result: { status: 'active', portalSync: 'pending' } });
    } finally {
      fpt.portal.recover();
    }
    expect(fpt.portal.refused).toBeGreaterThan(0);
    const pending = (await api.api<Image & { portalSync: unknown }>(`/v1/images/${image.id}`)).body;
    expect(pending).toMatchObject({
      status: 'active',
      sizeBytes: bytes.sizeBytes,
      checksums: { sha256: bytes.sha256 },
      portalSync: { state: 'pending', syncedAt: null, lastError: expect.stringMatching(/portal/) },
    });
    expect(fpt.store.customImage(pending.nativeId)).toMatchObject({ status: 'active', synced_at: null });

    // A catalogue sync reads FPT's list, which states no status or size: the image stays as the upload left it.
    const sync = await api.api<{ id: string }>('/v1/providers/fpt-hcm/sync', { method: 'POST' });
    expect((await api.waitForJob(sync.body.id, 60_000)).state).toBe('succeeded');
    expect((await api.api<Image>(`/v1/images/${image.id}`)).body).toMatchObject({
      status: 'active',
      sizeBytes: bytes.sizeBytes,
      portalSync: { state: 'pending' },
    });

    const synced = await api.api<Image & { portalSync: unknown }>(`/v1/images/${image.id}/portal-sync`, {
      method: 'POST',
      secret: WRITER_SECRET,
    });
    expect(synced.status).toBe(200);
    expect(synced.body).toMatchObject({
      status: 'active',
      portalSync: { state: 'synced', syncedAt: expect.stringMatching(/^\d{4}-/), lastError: null },
    });
    expect(fpt.store.customImage(pending.nativeId)).toMatchObject({ synced_at: expect.any(String) });
  });

  it('answers 409 to a portal sync of an image whose bytes have not landed, and 404 for an unknown image', async () => {
    const bytes = new TestImageBytes(1000, 'fpt-portal-empty');
    const image = await registerOnFpt('fpt-portal-empty', bytes);
    const early = await api.api<{ detail: string }>(`/v1/images/${image.id}/portal-sync`, {
      method: 'POST',
      secret: WRITER_SECRET,
    });
    expect(early.status).toBe(409);
    expect(early.body.detail).toMatch(/active/);
    expect(
      (await api.api(`/v1/images/00000000-0000-4000-8000-000000000000/portal-sync`, { method: 'POST' })).status,
    ).toBe(404);
  });

  it('keeps an image registered while a sync was listing: the older listing does not mark it deleted', async () => {
    const faults = fptParts.fpt.faults;
    faults.resetStats();
    // The public list, then a custom list computed at once but answered 3 s later.
    faults.set({ script: [{ kind: 'pass' }, { kind: 'late', ms: 3000 }] });
    try {
      const sync = await api.api<{ id: string }>('/v1/providers/fpt-hcm/sync', { method: 'POST' });
      expect(sync.status).toBe(202);
      await waitFor(async () => faults.stats().requests >= 2, 30_000, 10);
      const bytes = new TestImageBytes(4321, 'fpt-mid-sync');
      const registered = await api.api<Image>('/v1/images', {
        method: 'POST',
        body: { provider: 'fpt-hcm', name: 'fpt-mid-sync', sizeBytes: bytes.sizeBytes, sha256: bytes.sha256 },
        secret: WRITER_SECRET,
      });
      expect(registered.status).toBe(201);
      expect(faults.stats().delayed).toBe(1);
      const job = await api.waitForJob(sync.body.id, 30_000);
      expect(job).toMatchObject({ state: 'succeeded', result: { deleted: 0 } });
      expect((await api.api<Image>(`/v1/images/${registered.body.id}`)).body.status).toBe('pending');

      const next = await api.api<{ id: string }>('/v1/providers/fpt-hcm/sync', { method: 'POST' });
      expect((await api.waitForJob(next.body.id, 30_000)).result).toMatchObject({ deleted: 0 });
      expect((await api.api<Image>(`/v1/images/${registered.body.id}`)).body.status).toBe('pending');
    } finally {
      faults.clear();
    }
  });

  /** A 24-part upload, started and left running until at least three parts are recorded. */
  async function uploadUnderWay(
    name: string,
    beforePut: () => Promise<unknown> = async () => undefined,
  ): Promise<{ bytes: TestImageBytes; imageId: string; jobId: string }> {
    const bytes = new TestImageBytes(24 * PART, name);
    const image = await registerOnFpt(name, bytes);
    proxy.partPuts.clear();
    await beforePut();
    const put = await putFile(image.id, bytes);
    expect(put.status).toBe(202);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && (await recordedParts(image.id)).length < 3) {
      await new Promise((r) => setTimeout(r, 10));
    }
    return { bytes, imageId: image.id, jobId: put.body.id };
  }

  /** With a new worker, the upload ends active with its sha256, every part recorded before sent exactly once. */
  async function expectResumedByNewWorker(upload: { bytes: TestImageBytes; imageId: string; jobId: string }) {
    const before = await recordedParts(upload.imageId);
    expect(before.length).toBeGreaterThanOrEqual(3);
    expect(before.length).toBeLessThan(24);
    worker = await startWorker();
    const job = await api.waitForJob(upload.jobId, 120_000);
    expect(job.state).toBe('succeeded');
    const done = (await api.api<Image>(`/v1/images/${upload.imageId}`)).body;
    expect(done).toMatchObject({ status: 'active', checksums: { sha256: upload.bytes.sha256 } });
    for (const part of before) expect([part, proxy.partPuts.get(part)]).toEqual([part, 1]);
    expect([...proxy.partPuts.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    return job;
  }

  it('cancels a running FPT upload: FPT’s multipart upload is aborted, staging cleaned, and the same image takes its bytes again', async () => {
    const page = '/v1/images?provider=fpt-hcm&limit=500';
    const listed = async (imageId: string) =>
      (await api.api<{ items: Image[] }>(page)).body.items.find((i) => i.id === imageId)?.status;
    // The page is read (and cached) while the image is pending; once the push runs it must say so.
    const upload = await uploadUnderWay('fpt-cancel', () => api.api(page));
    expect(await listed(upload.imageId)).toBe('uploading');
    const before = (await api.api<Image>(`/v1/images/${upload.imageId}`)).body;
    const open = fptParts.fpt.store.upload(before.nativeId);
    expect(open).toBeDefined();
    // The upload's 16 MiB segments, all staged by now (the PUT had its 202).
    const segments = await stagedKeys();
    expect(segments).toHaveLength(Math.ceil(upload.bytes.sizeBytes / (16 * 1024 * 1024)));
    for (const key of segments) expect(key.startsWith(`uploads/${upload.imageId}/`)).toBe(true);

    const cancel = await api.api<{ state: string }>(`/v1/jobs/${upload.jobId}/cancel`, {
      method: 'POST',
      secret: WRITER_SECRET,
    });
    expect(cancel.status).toBe(200);
    expect(cancel.body.state).toBe('cancelled');
    await waitFor(async () => (await api.api<Image>(`/v1/images/${upload.imageId}`)).body.nativeId !== before.nativeId);

    // FPT frees an upload only with its registration: the old one is gone, its S3 upload aborted.
    expect(proxy.aborts).toContain(open!.uploadId);
    expect(fptParts.fpt.store.customImage(before.nativeId)).toBeUndefined();
    const after = (await api.api<Image>(`/v1/images/${upload.imageId}`)).body;
    expect(after).toMatchObject({ id: upload.imageId, status: 'pending', sizeBytes: upload.bytes.sizeBytes });
    expect(fptParts.fpt.store.customImage(after.nativeId)).toMatchObject({
      status: 'pending',
      sha256: upload.bytes.sha256,
    });
    await waitFor(async () => (await stagedKeys()).length === 0);

    const again = await putFile(upload.imageId, upload.bytes);
    expect(again.status).toBe(202);
    expect((await api.waitForJob(again.body.id, 120_000)).state).toBe('succeeded');
    const done = (await api.api<Image>(`/v1/images/${upload.imageId}`)).body;
    expect(done).toMatchObject({
      status: 'active',
      nativeId: after.nativeId,
      checksums: { sha256: upload.bytes.sha256 },
    });
  });

  it('resumes an FPT upload at the first missing part after its worker is killed, and ends with the right checksum', async () => {
    const upload = await uploadUnderWay('fpt-resume');
    worker.signal('SIGKILL');
    await worker.waitForExit();
    await expectResumedByNewWorker(upload);
  });

  it('hands a running FPT upload back on SIGTERM, exits 0 before the deadline, and another worker resumes it', async () => {
    const upload = await uploadUnderWay('fpt-drain');
    const stoppingAt = Date.now();
    worker.signal('SIGTERM');
    expect(await worker.waitForExit(20_000)).toBe(0);
    // The harness gives SHUTDOWN_TIMEOUT_MS=10000; handing back takes far less.
    expect(Date.now() - stoppingAt).toBeLessThan(10_000);
    expect(worker.output).toContain('upload job handed back for another worker to resume');
    const waiting = await api.api<{ state: string; attempts: number; error: unknown }>(`/v1/jobs/${upload.jobId}`);
    expect(waiting.body).toMatchObject({ state: 'queued', attempts: 0, error: null });
    // Handed back, not failed: the run it gave up is not counted.
    expect((await expectResumedByNewWorker(upload)).attempts).toBe(1);
  });

  it('fails the push of an upload whose API process died mid-intake as interrupted, cleans up, and takes the bytes again', async () => {
    const bytes = new TestImageBytes(24 * PART, 'fpt-api-killed');
    const image = await registerOnFpt('fpt-api-killed', bytes);
    // Half the bytes, then silence: the push reads what has landed and waits for the rest.
    const req = openUploadRequest(api.url, image.id, WRITER_SECRET, bytes.sizeBytes);
    req.on('error', () => undefined);
    bytes.stream(12 * PART).pipe(req, { end: false });
    await waitFor(async () => (await recordedParts(image.id)).length >= 2, 60_000);
    const before = (await api.api<Image>(`/v1/images/${image.id}`)).body;
    expect(before.status).toBe('uploading');
    const open = fptParts.fpt.store.upload(before.nativeId);
    expect(open).toBeDefined();

    api.signal('SIGKILL');
    await api.waitForExit();
    req.destroy();
    api.launch();
    await api.waitUntilReady();

    // The intake's mark in Redis lapses (15 s), stays gone 12 s more, and the worker gives the push up, releasing FPT's upload.
    const jobs = (await api.api<{ items: Array<{ id: string }> }>(`/v1/jobs?imageId=${image.id}`)).body.items;
    expect(jobs).toHaveLength(1);
    const job = await api.waitForJob(jobs[0].id, 60_000);
    expect(job).toMatchObject({ state: 'failed', error: { code: 'upload_interrupted' } });
    // The job is recorded failed a moment before its settle has released FPT's upload and the image.
    await waitFor(
      async () =>
        proxy.aborts.includes(open!.uploadId) &&
        (await api.api<Image>(`/v1/images/${image.id}`)).body.status === 'pending' &&
        (await stagedKeys()).length === 0,
    );

    const again = await putFile(image.id, bytes);
    expect(again.status).toBe(202);
    expect((await api.waitForJob(again.body.id, 120_000)).state).toBe('succeeded');
    expect((await api.api<Image>(`/v1/images/${image.id}`)).body).toMatchObject({
      status: 'active',
      checksums: { sha256: bytes.sha256 },
    });
  });
});
