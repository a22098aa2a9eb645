import { Queue } from 'bullmq';
import type { ClientRequest } from 'node:http';
import { BrokerProcess, WRITER_SECRET } from '../../harness/broker-process';
import { connectDatabase, REDIS_URL } from '../../harness/isolated-resources';
import { startEmbeddedS3, type EmbeddedS3 } from '../../sandbox/embedded-s3';
import { glanceProvidersYaml, NHN_TOKEN, startGlancePair, type GlanceEmulator } from '../support/glance-fixtures';
import { TestImageBytes } from '../support/image-bytes';
import { openUploadRequest } from '../support/upload-request';
import { waitFor } from '../support/wait-for';

interface Image {
  id: string;
  nativeId: string;
  status: string;
}
interface Job {
  id: string;
  state: string;
  error: { code: string; message: string } | null;
}
interface Answer {
  status: number;
  contentType: string;
  body: { detail?: string; status?: number };
}

const MiB = 1024 * 1024;
/** How long a test waits for an answer that the broker owes at once (the old broker never gave it). */
const ANSWER_WAIT_MS = 15_000;

/**
 * Issue 13, point 6 and the second half of point 7: clients that send slowly
 * or nothing cannot take the workers from others, a body gone silent is cut
 * off, a cancel answers the PUT at once, and an image deleted upstream while
 * its upload runs stays deleted when the job is cancelled or its worker dies.
 */
describe('uploads from slow, silent and cancelled clients', () => {
  let s3: EmbeddedS3;
  let glance: { nhn: GlanceEmulator; standard: GlanceEmulator; nhnUrl: string; standardUrl: string };
  let api: BrokerProcess;
  let worker: BrokerProcess;
  const open: ClientRequest[] = [];

  const startWorker = () =>
    BrokerProcess.start({
      label: 'slow-worker',
      role: 'worker',
      shareWith: api,
      env: { JOB_LOCK_DURATION_MS: '3000' },
    });

  async function registerRaw(name: string, sizeBytes: number): Promise<Image> {
    const res = await api.api<Image>('/v1/images', {
      method: 'POST',
      secret: WRITER_SECRET,
      body: { provider: 'vietnix-hcm', name, diskFormat: 'raw', containerFormat: 'bare', sizeBytes },
    });
    expect(res.status).toBe(201);
    return res.body;
  }

  /** The one job of an image, once the API has created it. */
  async function onlyJob(imageId: string): Promise<Job> {
    let jobs: Job[] = [];
    await waitFor(async () => {
      jobs = (await api.api<{ items: Job[] }>(`/v1/jobs?imageId=${imageId}&type=upload`)).body.items;
      return jobs.length === 1;
    });
    return jobs[0];
  }

  const job = async (id: string) => (await api.api<Job>(`/v1/jobs/${id}`)).body;
  const image = async (id: string) => (await api.api<Image>(`/v1/images/${id}`)).body;

  async function uploadState(imageId: string): Promise<string | undefined> {
    const db = await connectDatabase(api.databaseUrl);
    try {
      const { rows } = await db.query<{ state: string }>(
        'SELECT state FROM uploads WHERE image_id = $1 ORDER BY created_at DESC LIMIT 1',
        [imageId],
      );
      return rows[0]?.state;
    } finally {
      await db.end();
    }
  }

  /** Keys in the staging bucket (s3rver answers an unsigned ListObjectsV2). */
  async function stagingKeys(): Promise<string[]> {
    const res = await fetch(`${s3.endpoint}/${s3.env.STAGING_S3_BUCKET}?list-type=2`);
    return [...(await res.text()).matchAll(/<Key>([^<]+)<\/Key>/g)].map((m) => m[1]);
  }

  /** A PUT of `sizeBytes` whose body the test writes; `answer` settles with the broker's answer, if one comes. */
  function startUpload(imageId: string, sizeBytes: number): { req: ClientRequest; answer: Promise<Answer> } {
    const req = openUploadRequest(api.url, imageId, WRITER_SECRET, sizeBytes);
    // Sent now, not with the first byte: a silent client is one that sent its headers and nothing more.
    req.flushHeaders();
    open.push(req);
    const answer = new Promise<Answer>((resolve, reject) => {
      req.on('error', reject);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type']),
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Answer['body'],
          }),
        );
      });
    });
    // A test that never sees the answer must not fail on it later: it asserts through `within`.
    answer.catch(() => undefined);
    return { req, answer };
  }

  /** A client sending one byte every 300 ms: slow, but never idle for the 2 s the test broker allows. */
  function trickle(req: ClientRequest): () => void {
    const timer = setInterval(() => req.write(Buffer.from([0x2a])), 300);
    return () => clearInterval(timer);
  }

  /** The answer, or a failure naming what was awaited once `ms` have passed without one. */
  function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms);
    });
    return Promise.race([promise, late]).finally(() => clearTimeout(timer));
  }

  /** Deletes the image at Glance behind the broker's back, and syncs, so the catalogue marks it deleted. */
  async function deleteUpstreamAndSync(target: Image): Promise<void> {
    expect(glance.standard.store.remove(target.nativeId)).toBeDefined();
    const sync = await api.api<Job>('/v1/providers/vietnix-hcm/sync', { method: 'POST', secret: WRITER_SECRET });
    expect(sync.status).toBe(202);
    expect((await api.waitForJob(sync.body.id)).state).toBe('succeeded');
    expect((await image(target.id)).status).toBe('deleted');
  }

  beforeAll(async () => {
    s3 = await startEmbeddedS3();
    glance = await startGlancePair({ nhn: 1, standard: 1 });
    api = await BrokerProcess.start({
      label: 'slow-api',
      role: 'api',
      providersYaml: glanceProvidersYaml(`http://127.0.0.1:${new URL(glance.nhnUrl).port}`, glance.standardUrl),
      // Segments of 1 MiB: a push starts once 1 MiB is in. Bodies idle for 2 s are cut off.
      env: {
        NHN_TOKEN,
        ...s3.env,
        STAGING_SEGMENT_MIB: '1',
        UPLOAD_IDLE_TIMEOUT_SECONDS: '2',
        WORKER_CONCURRENCY: '4',
      },
    });
    worker = await startWorker();
  });
  afterAll(async () => {
    for (const req of open) req.destroy();
    await worker?.stop();
    await api?.stop();
    await Promise.all([glance?.nhn.close(), glance?.standard.close()]);
    await s3?.close();
  });

  it("runs another user's small upload at once while slow uploads fill every worker slot", async () => {
    const declared = 50 * MiB;
    const slow = await Promise.all([1, 2, 3, 4].map((n) => registerRaw(`slow-${n}`, declared)));
    const uploads = slow.map((target) => startUpload(target.id, declared));
    const stops = uploads.map(({ req }) => trickle(req));
    try {
      const slowJobs = await Promise.all(slow.map((target) => onlyJob(target.id)));

      const small = new TestImageBytes(1024, 'small-while-slow');
      const target = await registerRaw('small-while-slow', small.sizeBytes);
      const put = await api.putImageFile<Job>(target.id, small.stream());
      expect(put.status).toBe(202);
      expect((await api.waitForJob(put.body.id, ANSWER_WAIT_MS)).state).toBe('succeeded');
      expect((await image(target.id)).status).toBe('active');

      // The slow uploads are still being received: no answer yet, their jobs waiting for their first segment.
      for (const slowJob of slowJobs) expect((await job(slowJob.id)).state).toBe('queued');
      const answered = await Promise.race([
        Promise.any(uploads.map(({ answer }) => answer)).then(() => true),
        new Promise<boolean>((resolve) => setImmediate(() => resolve(false))),
      ]);
      expect(answered).toBe(false);
    } finally {
      stops.forEach((stop) => stop());
      uploads.forEach(({ req }) => req.destroy());
    }
    // Their clients gone, the slow uploads end as interrupted and their images take bytes again.
    for (const target of slow) {
      const ended = await api.waitForJob((await onlyJob(target.id)).id);
      expect(ended.state).toBe('failed');
      expect(`${ended.error?.code}: ${ended.error?.message}`).toMatch(/^upload_interrupted: .*disconnected/);
      await waitFor(async () => (await image(target.id)).status === 'pending');
    }
  });

  it('cuts off a body that sends nothing: 408, the job upload_interrupted, the image pending', async () => {
    const declared = 5 * MiB;
    const target = await registerRaw('silent', declared);
    const { answer } = startUpload(target.id, declared);
    const res = await within(answer, ANSWER_WAIT_MS, 'the answer to a silent body');
    expect(res.status).toBe(408);
    expect(res.contentType).toMatch(/^application\/problem\+json/);
    expect(res.body.detail).toMatch(/no bytes/);
    const ended = await api.waitForJob((await onlyJob(target.id)).id);
    expect(ended).toMatchObject({ state: 'failed', error: { code: 'upload_interrupted' } });
    expect((await image(target.id)).status).toBe('pending');
  });

  it('wakes an upload job held back for its first segment when the segment is staged, not at its own next look', async () => {
    const body = Buffer.alloc(3 * MiB + 5, 0x5a);
    const target = await registerRaw('woken', body.length);
    const { req, answer } = startUpload(target.id, body.length);
    // A byte every 300 ms: the body is not idle, and no segment is staged yet.
    let sent = 0;
    const timer = setInterval(() => req.write(body.subarray(sent, ++sent)), 300);
    const transfers = new Queue('transfers', { connection: { url: REDIS_URL }, prefix: api.redisPrefix });
    try {
      const jobId = (await onlyJob(target.id)).id;
      // The worker looked, found nothing staged and put the job back: it would look again 3 s or more later.
      await waitFor(async () => (await (await transfers.getJob(jobId))?.getState()) === 'delayed', ANSWER_WAIT_MS, 20);
      const heldBackAt = Date.now();
      clearInterval(timer);
      req.write(body.subarray(sent, 1.5 * MiB));
      await waitFor(async () => glance.standard.store.get(target.nativeId)?.status === 'saving', ANSWER_WAIT_MS, 20);
      // Less than the worker's own 3 s (minus this test's 20 ms look): the intake woke it.
      expect(Date.now() - heldBackAt).toBeLessThan(2_900);
      req.end(body.subarray(1.5 * MiB));
      expect((await within(answer, ANSWER_WAIT_MS, 'the answer to a woken upload')).status).toBe(202);
      expect((await api.waitForJob(jobId)).state).toBe('succeeded');
    } finally {
      clearInterval(timer);
      await transfers.close();
    }
  });

  it('cuts off a body that goes silent mid-push: 408, the job upload_interrupted, segments removed', async () => {
    const bytes = new TestImageBytes(5 * MiB + 77, 'stalled');
    const target = await registerRaw('stalled', bytes.sizeBytes);
    const { req, answer } = startUpload(target.id, bytes.sizeBytes);
    req.write(bytes.slice(0, 1.5 * MiB - 1));
    // The push is under way: Glance takes the first segment while the client goes quiet.
    await waitFor(async () => glance.standard.store.get(target.nativeId)?.status === 'saving');
    const res = await within(answer, ANSWER_WAIT_MS, 'the answer to a stalled body');
    expect(res.status).toBe(408);
    expect(res.contentType).toMatch(/^application\/problem\+json/);
    const ended = await api.waitForJob((await onlyJob(target.id)).id);
    expect(ended).toMatchObject({ state: 'failed', error: { code: 'upload_interrupted' } });
    expect((await image(target.id)).status).toBe('pending');
    expect(await stagingKeys()).toEqual([]);
    await waitFor(async () => glance.standard.store.get(target.nativeId)?.status === 'queued');
  });

  it('answers a PUT whose job is cancelled mid-body with 409 at once, without reading the rest', async () => {
    const bytes = new TestImageBytes(5 * MiB + 77, 'cancel-mid-body');
    const target = await registerRaw('cancel-mid-body', bytes.sizeBytes);
    const { req, answer } = startUpload(target.id, bytes.sizeBytes);
    req.write(bytes.slice(0, 1.5 * MiB - 1));
    const stop = trickle(req);
    try {
      await waitFor(async () => glance.standard.store.get(target.nativeId)?.status === 'saving');
      const running = await onlyJob(target.id);
      expect((await api.api(`/v1/jobs/${running.id}/cancel`, { method: 'POST', secret: WRITER_SECRET })).status).toBe(
        200,
      );
      const res = await within(answer, ANSWER_WAIT_MS, 'the answer to a cancelled PUT');
      expect(res.status).toBe(409);
      expect(res.contentType).toMatch(/^application\/problem\+json/);
      expect(res.body.detail).toContain(running.id);
      expect(res.body.detail).toContain('cancelled');
    } finally {
      stop();
    }
    await waitFor(async () => (await uploadState(target.id)) === 'cancelled');
    expect((await image(target.id)).status).toBe('pending');
    await waitFor(async () => (await stagingKeys()).length === 0);
  });

  it('keeps an image deleted upstream deleted when its running upload is cancelled', async () => {
    const bytes = new TestImageBytes(5 * MiB + 77, 'deleted-then-cancelled');
    const target = await registerRaw('deleted-then-cancelled', bytes.sizeBytes);
    const { req } = startUpload(target.id, bytes.sizeBytes);
    req.write(bytes.slice(0, 1.5 * MiB - 1));
    const stop = trickle(req);
    try {
      await waitFor(async () => glance.standard.store.get(target.nativeId)?.status === 'saving');
      const running = await onlyJob(target.id);
      await deleteUpstreamAndSync(target);
      expect((await api.api(`/v1/jobs/${running.id}/cancel`, { method: 'POST', secret: WRITER_SECRET })).status).toBe(
        200,
      );
      // The job's settle has run once the upload is marked cancelled.
      await waitFor(async () => (await uploadState(target.id)) === 'cancelled');
      expect((await image(target.id)).status).toBe('deleted');
    } finally {
      stop();
      req.destroy();
    }
  });

  it('keeps an image deleted upstream deleted when the worker running its upload dies', async () => {
    const bytes = new TestImageBytes(5 * MiB + 77, 'deleted-then-killed');
    const target = await registerRaw('deleted-then-killed', bytes.sizeBytes);
    const { req } = startUpload(target.id, bytes.sizeBytes);
    req.write(bytes.slice(0, 1.5 * MiB - 1));
    const stop = trickle(req);
    try {
      await waitFor(async () => glance.standard.store.get(target.nativeId)?.status === 'saving');
      const running = await onlyJob(target.id);
      await deleteUpstreamAndSync(target);
      worker.signal('SIGKILL');
      await worker.waitForExit();
      worker = await startWorker();
      // The new worker takes the dead one's job once its lock lapses, and finds the image gone.
      const ended = await api.waitForJob(running.id);
      expect(ended.state).toBe('failed');
      await waitFor(async () => (await uploadState(target.id)) === 'failed');
      expect((await image(target.id)).status).toBe('deleted');
    } finally {
      stop();
      req.destroy();
    }
  });
});
