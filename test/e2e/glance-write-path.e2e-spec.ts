import { BrokerProcess, READER_SECRET, WRITER_SECRET } from '../../harness/broker-process';
import { connectDatabase } from '../../harness/isolated-resources';
import { startEmbeddedS3, type EmbeddedS3 } from '../../sandbox/embedded-s3';
import { glanceProvidersYaml, NHN_TOKEN, startGlancePair, type GlanceEmulator } from '../support/glance-fixtures';
import { TestImageBytes } from '../support/image-bytes';
import { openUploadRequest } from '../support/upload-request';
import { waitFor } from '../support/wait-for';

interface Image {
  id: string;
  nativeId: string;
  name: string;
  status: string;
  sizeBytes: number | null;
  tags: string[];
  visibility: string;
  properties: Record<string, unknown>;
  checksums: { md5: string | null; sha256: string | null; sha512: string | null };
}
interface Job {
  id: string;
  type: string;
  state: string;
  imageId: string;
  progress: { bytesDone: number; bytesTotal: number | null };
  error: { code: string; message: string } | null;
}

describe('the write path on OpenStack Glance', () => {
  let s3: EmbeddedS3;
  let glance: { nhn: GlanceEmulator; standard: GlanceEmulator; nhnUrl: string; standardUrl: string };
  let broker: BrokerProcess;

  async function register(body: Record<string, unknown>, headers: Record<string, string> = {}) {
    return broker.api<Image>('/v1/images', { method: 'POST', body, secret: WRITER_SECRET, headers });
  }

  /** A raw image on Vietnix (standard Glance), declaring the size and sha256 given. */
  async function registerRaw(name: string, declared: { sizeBytes?: number; sha256?: string } = {}): Promise<Image> {
    return (await register({ provider: 'vietnix-hcm', name, diskFormat: 'raw', containerFormat: 'bare', ...declared }))
      .body;
  }

  const putFile = (id: string, bytes: TestImageBytes, contentType = 'application/octet-stream') =>
    broker.putImageFile<Job & { errors?: Array<{ field: string }>; detail?: string }>(id, bytes.stream(), {
      contentType,
    });

  async function stagedObjects(): Promise<number> {
    const db = await connectDatabase(broker.databaseUrl);
    try {
      const { rows } = await db.query<{ n: string }>(
        `SELECT count(*) AS n FROM uploads WHERE state IN ('receiving', 'staged', 'pushing')`,
      );
      return Number(rows[0].n);
    } finally {
      await db.end();
    }
  }

  /** Keys in the staging bucket (s3rver answers an unsigned ListObjectsV2). */
  async function stagingKeys(): Promise<string[]> {
    const res = await fetch(`${s3.endpoint}/${s3.env.STAGING_S3_BUCKET}?list-type=2`);
    return [...(await res.text()).matchAll(/<Key>([^<]+)<\/Key>/g)].map((m) => m[1]);
  }

  /**
   * PUTs the bytes in two goes: up to `splitAt`, then, once `between`
   * resolves, the rest; answers the broker's status and body.
   */
  function putInTwo(
    id: string,
    bytes: TestImageBytes,
    splitAt: number,
    between: () => Promise<void>,
  ): Promise<{ status: number; body: Job & { errors?: Array<{ field: string }>; detail?: string } }> {
    return new Promise((resolve, reject) => {
      const req = openUploadRequest(broker.url, id, WRITER_SECRET, bytes.sizeBytes);
      req.on('error', reject);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as never }),
        );
      });
      req.write(bytes.slice(0, splitAt - 1));
      between().then(
        () => req.end(bytes.slice(splitAt, bytes.sizeBytes - 1)),
        (error: unknown) => {
          req.destroy();
          reject(error as Error);
        },
      );
    });
  }

  beforeAll(async () => {
    s3 = await startEmbeddedS3();
    glance = await startGlancePair({ nhn: 5, standard: 5 });
    broker = await BrokerProcess.start({
      label: 'writes',
      providersYaml: glanceProvidersYaml(`http://127.0.0.1:${new URL(glance.nhnUrl).port}`, glance.standardUrl),
      // Segments of 1 MiB, so a 5 MiB upload is pushed while it is still being received.
      env: { NHN_TOKEN, ...s3.env, STAGING_SEGMENT_MIB: '1' },
    });
  });
  afterAll(async () => {
    await broker?.stop();
    await Promise.all([glance?.nhn.close(), glance?.standard.close()]);
    await s3?.close();
  });

  describe('registering', () => {
    it('registers a custom image on NHN, pending its bytes', async () => {
      const res = await register({
        provider: 'nhn-kr1',
        name: 'cuda-base',
        diskFormat: 'qcow2',
        containerFormat: 'bare',
        os: { type: 'linux', distro: 'ubuntu', version: '22.04' },
      });
      expect(res.status).toBe(201);
      expect(res.headers.get('location')).toBe(`/v1/images/${res.body.id}`);
      expect(res.body).toMatchObject({ name: 'cuda-base', status: 'pending', visibility: 'private' });
      expect(glance.nhn.store.get(res.body.nativeId)).toBeDefined();
    });

    it('refuses an NHN image without os.type, naming the field, before calling NHN', async () => {
      const imagesBefore = glance.nhn.store.count();
      const res = await broker.api<{ detail: string; errors: Array<{ field: string }> }>('/v1/images', {
        method: 'POST',
        body: { provider: 'nhn-kr1', name: 'no-os' },
        secret: WRITER_SECRET,
      });
      expect(res.status).toBe(422);
      expect(res.body.detail).toContain('os.type');
      expect(res.body.errors.map((e) => e.field)).toEqual(['os.type']);
      expect(glance.nhn.store.count()).toBe(imagesBefore);
    });

    it('refuses a Glance image without diskFormat or containerFormat with 422 naming them, before any call to Glance', async () => {
      const before = glance.standard.store.all().length;
      const none = await broker.api<{ detail: string; provider: string }>('/v1/images', {
        method: 'POST',
        body: { provider: 'vietnix-hcm', name: 'no-formats' },
        secret: WRITER_SECRET,
      });
      const noContainer = await broker.api<{ detail: string }>('/v1/images', {
        method: 'POST',
        body: { provider: 'vietnix-hcm', name: 'no-container', diskFormat: 'qcow2' },
        secret: WRITER_SECRET,
      });

      expect(none.status).toBe(422);
      expect(none.body).toMatchObject({ provider: 'vietnix-hcm' });
      expect(none.body.detail).toContain('requires diskFormat and containerFormat');
      expect(noContainer.status).toBe(422);
      expect(noContainer.body.detail).toContain('requires containerFormat');
      expect(glance.standard.store.all().length).toBe(before);
    });

    it('refuses an unknown provider and an unknown field by name', async () => {
      const unknown = await broker.api<{ errors: Array<{ field: string }> }>('/v1/images', {
        method: 'POST',
        body: { provider: 'nowhere', name: 'x' },
        secret: WRITER_SECRET,
      });
      expect(unknown.status).toBe(400);
      expect(unknown.body.errors[0].field).toBe('provider');
      const extra = await broker.api<{ errors: Array<{ field: string }> }>('/v1/images', {
        method: 'POST',
        body: { provider: 'nhn-kr1', name: 'x', colour: 'red' },
        secret: WRITER_SECRET,
      });
      expect(extra.status).toBe(400);
      expect(extra.body.errors).toEqual([{ field: 'colour', message: 'colour is not a known field' }]);
    });

    it('answers the same Idempotency-Key and body with the same image, and another body with 422', async () => {
      const body = { provider: 'vietnix-hcm', name: 'idempotent', diskFormat: 'raw', containerFormat: 'bare' };
      const first = await register(body, { 'idempotency-key': 'key-1' });
      const again = await register(body, { 'idempotency-key': 'key-1' });
      expect(again.status).toBe(201);
      expect(again.body.id).toBe(first.body.id);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      const named = [...glance.standard.store.all()].filter((i) => i.name === 'idempotent');
      expect(named).toHaveLength(1);
      const other = await register({ ...body, name: 'something else' }, { 'idempotency-key': 'key-1' });
      expect(other.status).toBe(422);
    });
  });

  describe('uploading through the broker', () => {
    const bytes = new TestImageBytes(12 * 1024 * 1024 + 123, 'upload');

    it('streams a file into staging, pushes it, and ends active with the sha512 and md5 Glance computed', async () => {
      const image = await registerRaw('streamed', { sizeBytes: bytes.sizeBytes, sha256: bytes.sha256 });
      const put = await putFile(image.id, bytes);
      expect(put.status).toBe(202);
      expect(put.headers.get('location')).toBe(`/v1/jobs/${put.body.id}`);
      expect(put.body).toMatchObject({ type: 'upload', imageId: image.id });
      const job = await broker.waitForJob(put.body.id);
      expect(job.state).toBe('succeeded');
      const done = (await broker.api<Image>(`/v1/images/${image.id}`, { secret: READER_SECRET })).body;
      expect(done).toMatchObject({ status: 'active', sizeBytes: bytes.sizeBytes });
      expect(done.checksums).toEqual({ md5: bytes.md5, sha256: bytes.sha256, sha512: bytes.sha512 });
      expect(await stagedObjects()).toBe(0);
    });

    it('downloads the bytes back, whole and by range', async () => {
      const image = (await broker.api<{ items: Image[] }>('/v1/images?q=streamed', { secret: READER_SECRET })).body
        .items[0];
      const whole = await fetch(`${broker.url}/v1/images/${image.id}/file`, {
        headers: { authorization: `Bearer ${READER_SECRET}` },
      });
      expect(whole.status).toBe(200);
      expect(whole.headers.get('content-length')).toBe(String(bytes.sizeBytes));
      const { createHash } = await import('node:crypto');
      const hash = createHash('sha256');
      for await (const chunk of whole.body as unknown as AsyncIterable<Uint8Array>) hash.update(chunk);
      expect(hash.digest('hex')).toBe(bytes.sha256);
      const part = await fetch(`${broker.url}/v1/images/${image.id}/file`, {
        headers: { authorization: `Bearer ${READER_SECRET}`, range: 'bytes=1048570-1048590' },
      });
      expect(part.status).toBe(206);
      expect(part.headers.get('content-range')).toBe(`bytes 1048570-1048590/${bytes.sizeBytes}`);
      expect(Buffer.from(await part.arrayBuffer()).equals(bytes.slice(1048570, 1048590))).toBe(true);
    });

    it('refuses bytes whose sha256 differs from the registration with 422, keeping nothing, the image pending', async () => {
      const other = new TestImageBytes(bytes.sizeBytes, 'other');
      const image = await registerRaw('wrong-sha', { sha256: bytes.sha256 });
      const put = await putFile(image.id, other);
      expect(put.status).toBe(422);
      expect(put.body.errors?.[0].field).toBe('sha256');
      expect(await stagedObjects()).toBe(0);
      expect((await broker.api<Image>(`/v1/images/${image.id}`)).body.status).toBe('pending');
    });

    it('refuses a body larger than declared with 422 naming sizeBytes', async () => {
      const image = await registerRaw('too-big', { sizeBytes: 1024 });
      const put = await putFile(image.id, new TestImageBytes(4096, 'big'));
      expect(put.status).toBe(422);
      expect(put.body.errors?.[0].field).toBe('sizeBytes');
      expect(await stagedObjects()).toBe(0);
    });

    it('refuses a streamed body shorter than declared with 422 naming sizeBytes, and takes the right bytes after', async () => {
      const right = new TestImageBytes(6 * 1024 * 1024 + 1, 'short');
      const image = await registerRaw('too-short', { sizeBytes: right.sizeBytes });
      // Sent chunked, without Content-Length: only the end of the body shows it is short.
      const put = await broker.putImageFile<{ errors?: Array<{ field: string; message: string }> }>(
        image.id,
        right.stream(right.sizeBytes - 1000),
      );
      expect(put.status).toBe(422);
      expect(put.body.errors?.[0]).toMatchObject({
        field: 'sizeBytes',
        message: `received ${right.sizeBytes - 1000} bytes, declared ${right.sizeBytes}`,
      });
      expect(await stagedObjects()).toBe(0);
      expect((await broker.api<Image>(`/v1/images/${image.id}`)).body.status).toBe('pending');
      const retried = await putFile(image.id, right);
      expect(retried.status).toBe(202);
      expect((await broker.waitForJob(retried.body.id)).state).toBe('succeeded');
    });

    it('refuses another content type with 415, and an unknown image with 404', async () => {
      const image = await registerRaw('typed');
      expect((await putFile(image.id, new TestImageBytes(10), 'text/plain')).status).toBe(415);
      expect((await putFile('00000000-0000-4000-8000-000000000000', new TestImageBytes(10))).status).toBe(404);
    });

    it('cleans staging and leaves the image pending and retryable when the client disconnects mid-upload', async () => {
      const big = new TestImageBytes(20 * 1024 * 1024, 'disconnect');
      const image = await registerRaw('dropped', { sizeBytes: big.sizeBytes });
      await new Promise<void>((resolve) => {
        const req = openUploadRequest(broker.url, image.id, WRITER_SECRET, big.sizeBytes);
        req.on('error', () => resolve());
        const source = big.stream(6 * 1024 * 1024);
        source.pipe(req, { end: false });
        source.on('end', () =>
          setTimeout(() => {
            req.destroy();
            resolve();
          }, 300),
        );
      });
      // The push had begun: the image is pending again, and staging empty, once its job has stopped and settled.
      await waitFor(
        async () =>
          (await stagedObjects()) === 0 &&
          (await broker.api<Image>(`/v1/images/${image.id}`)).body.status === 'pending' &&
          (await stagingKeys()).length === 0,
      );
      const retry = await putFile(image.id, big);
      expect(retry.status).toBe(202);
      expect((await broker.waitForJob(retry.body.id)).state).toBe('succeeded');
    });

    it('pushes to Glance while the client is still sending, and ends active with the bytes sent', async () => {
      const slow = new TestImageBytes(5 * 1024 * 1024 + 77, 'pipelined');
      const image = await registerRaw('pipelined', { sizeBytes: slow.sizeBytes, sha256: slow.sha256 });
      let seenDuringIntake: { glance: string | undefined; broker: string } | null = null;
      const put = await putInTwo(image.id, slow, 3 * 1024 * 1024, async () => {
        // Three of six segments sent: Glance is already taking bytes, and the broker says so.
        await waitFor(async () => glance.standard.store.get(image.nativeId)?.status === 'saving');
        seenDuringIntake = {
          glance: glance.standard.store.get(image.nativeId)?.status,
          broker: (await broker.api<Image>(`/v1/images/${image.id}`)).body.status,
        };
      });
      expect(seenDuringIntake).toEqual({ glance: 'saving', broker: 'uploading' });
      expect(put.status).toBe(202);
      expect((await broker.waitForJob(put.body.id)).state).toBe('succeeded');
      const done = (await broker.api<Image>(`/v1/images/${image.id}`)).body;
      expect(done).toMatchObject({ status: 'active', sizeBytes: slow.sizeBytes });
      expect(done.checksums).toEqual({ md5: slow.md5, sha256: slow.sha256, sha512: slow.sha512 });
      expect(await stagingKeys()).toEqual([]);
    });

    it('refuses bytes whose sha256 differs after their push began: 422, and Glance never gets the last segment', async () => {
      const sent = new TestImageBytes(5 * 1024 * 1024 + 77, 'pipelined-bad');
      const declared = new TestImageBytes(sent.sizeBytes, 'pipelined-declared');
      const image = await registerRaw('pipelined-bad', { sizeBytes: sent.sizeBytes, sha256: declared.sha256 });
      const put = await putInTwo(image.id, sent, 3 * 1024 * 1024, () =>
        waitFor(async () => glance.standard.store.get(image.nativeId)?.status === 'saving'),
      );
      expect(put.status).toBe(422);
      expect(put.body.errors).toEqual([{ field: 'sha256', message: expect.any(String) as string }]);
      // The push stopped before the answer; Glance, seeing its cut-off PUT close, goes back to queued, never active.
      await waitFor(async () => glance.standard.store.get(image.nativeId)?.status === 'queued');
      expect((await broker.api<Image>(`/v1/images/${image.id}`)).body.status).toBe('pending');
      const jobs = (await broker.api<{ items: Job[] }>(`/v1/jobs?imageId=${image.id}`)).body.items;
      expect(jobs).toHaveLength(1);
      expect(jobs[0]).toMatchObject({ state: 'failed', error: { code: 'upload_refused' } });
      expect(jobs[0].error?.message).toContain('sha256');
      expect(await stagingKeys()).toEqual([]);
      // Nothing was lost: the registered bytes go through at once.
      const retry = await putFile(image.id, declared);
      expect(retry.status).toBe(202);
      expect((await broker.waitForJob(retry.body.id)).state).toBe('succeeded');
      expect(glance.standard.store.get(image.nativeId)?.os_hash_value).toBe(declared.sha512);
    });

    /** The one job of an image, once the API has created it. */
    async function onlyJob(imageId: string): Promise<Job> {
      let jobs: Job[] = [];
      await waitFor(async () => {
        jobs = (await broker.api<{ items: Job[] }>(`/v1/jobs?imageId=${imageId}`)).body.items;
        return jobs.length === 1;
      });
      return jobs[0];
    }

    it('stops receiving when the push is cancelled mid-body: 409 naming the job, the image pending and retryable', async () => {
      const sent = new TestImageBytes(5 * 1024 * 1024 + 77, 'pipelined-cancel');
      const image = await registerRaw('pipelined-cancel', { sizeBytes: sent.sizeBytes });
      let jobId = '';
      const put = await putInTwo(image.id, sent, 3 * 1024 * 1024, async () => {
        await waitFor(async () => glance.standard.store.get(image.nativeId)?.status === 'saving');
        jobId = (await onlyJob(image.id)).id;
        const cancel = await broker.api(`/v1/jobs/${jobId}/cancel`, { method: 'POST', secret: WRITER_SECRET });
        expect(cancel.status).toBe(200);
        await waitFor(async () => (await broker.api<Image>(`/v1/images/${image.id}`)).body.status === 'pending');
      });
      expect(put.status).toBe(409);
      expect(put.body.detail).toContain(jobId);
      expect(put.body.detail).toContain('cancelled');
      // Glance sees the cut-off PUT's socket close on its own time; it never had the last segment.
      await waitFor(async () => glance.standard.store.get(image.nativeId)?.status === 'queued');
      expect(await stagingKeys()).toEqual([]);
      const retry = await putFile(image.id, sent);
      expect(retry.status).toBe(202);
      expect((await broker.waitForJob(retry.body.id)).state).toBe('succeeded');
    });

    it("stops receiving when Glance refuses the push mid-body: 502 with Glance's reason, the image pending", async () => {
      const sent = new TestImageBytes(5 * 1024 * 1024 + 77, 'pipelined-refused');
      const image = await registerRaw('pipelined-refused', { sizeBytes: sent.sizeBytes });
      // Another client's upload is in progress at Glance: it answers 409 to ours.
      glance.standard.store.setStatus(image.nativeId, 'saving');
      const put = await putInTwo(image.id, sent, 3 * 1024 * 1024, async () => {
        const job = await onlyJob(image.id);
        expect((await broker.waitForJob(job.id)).state).toBe('failed');
      });
      expect(put.status).toBe(502);
      expect(put.body.detail).toMatch(/provider_rejected|409|queued/i);
      expect((await broker.api<Image>(`/v1/images/${image.id}`)).body.status).toBe('pending');
      expect(await stagingKeys()).toEqual([]);
    });

    it('retries a push that Glance fails with a 503, and ends active on the next attempt', async () => {
      const bytes = new TestImageBytes(2 * 1024 * 1024, 'retried');
      const image = await registerRaw('retried', { sha256: bytes.sha256 });
      // The adapter's first GET passes; the next calls fail past the client's own retries, failing attempt 1.
      glance.standard.faults.enqueue(
        { kind: 'pass' },
        ...Array.from({ length: 6 }, () => ({ kind: 'error' as const, status: 503 })),
      );
      try {
        const put = await putFile(image.id, bytes);
        const job = await broker.waitForJob(put.body.id, 60_000);
        expect(job.state).toBe('succeeded');
        expect(job.attempts).toBeGreaterThanOrEqual(2);
        expect((await broker.api<Image>(`/v1/images/${image.id}`)).body.checksums.sha512).toBe(bytes.sha512);
      } finally {
        glance.standard.faults.clear();
      }
    });

    it("fails the job with the provider's own reason when Glance refuses the upload, leaving the image pending", async () => {
      const image = await registerRaw('refused');
      // Another client's upload is in progress at Glance: it answers 409 to ours.
      glance.standard.store.setStatus(image.nativeId, 'saving');
      const put = await putFile(image.id, new TestImageBytes(1024 * 1024, 'refused'));
      expect(put.status).toBe(202);
      const job = await broker.waitForJob(put.body.id);
      expect(job.state).toBe('failed');
      expect(job.error?.code).toBe('provider_rejected');
      expect(job.error?.message).toMatch(/409|queued|conflict/i);
      expect(job.attempts).toBe(1);
      expect((await broker.api<Image>(`/v1/images/${image.id}`)).body.status).toBe('pending');
      expect(await stagedObjects()).toBe(0);
    });

    it('streams the job as server-sent events, progress moving, until it ends', async () => {
      const big = new TestImageBytes(24 * 1024 * 1024, 'events');
      const image = await registerRaw('watched');
      glance.standard.faults.set({ latencyMs: [5, 5] });
      try {
        const put = await putFile(image.id, big);
        const res = await fetch(`${broker.url}/v1/jobs/${put.body.id}/events`, {
          headers: { authorization: `Bearer ${READER_SECRET}` },
        });
        expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
        const text = await res.text();
        const events = text.split('\n\n').filter((e) => e.includes('data:'));
        const states = events.map((e) => (JSON.parse(e.split('data: ')[1]) as Job).state);
        expect(states[states.length - 1]).toBe('succeeded');
        expect(events[events.length - 1]).toContain('event: end');
      } finally {
        glance.standard.faults.clear();
      }
    });

    it('cancels a running upload: the job ends cancelled, staging is cleaned, the image is pending again', async () => {
      const big = new TestImageBytes(64 * 1024 * 1024, 'cancel');
      const image = await registerRaw('cancelled');
      const put = await putFile(image.id, big);
      await waitFor(
        async () => (await broker.api<Job>(`/v1/jobs/${put.body.id}`)).body.state === 'running',
        20_000,
        20,
      );
      const cancel = await broker.api<Job>(`/v1/jobs/${put.body.id}/cancel`, { method: 'POST', secret: WRITER_SECRET });
      expect(cancel.status).toBe(200);
      expect(cancel.body.state).toBe('cancelled');
      await waitFor(async () => (await stagedObjects()) === 0);
      await waitFor(async () => (await broker.api<Image>(`/v1/images/${image.id}`)).body.status === 'pending');
      expect(
        (await broker.api(`/v1/jobs/${put.body.id}/cancel`, { method: 'POST', secret: WRITER_SECRET })).status,
      ).toBe(409);
    });
  });

  describe('uploading directly to staging', () => {
    const bytes = new TestImageBytes(11 * 1024 * 1024, 'direct');

    async function session(imageId: string) {
      const res = await broker.api<{
        uploadId: string;
        parts: Array<{ partNumber: number; url: string; sizeBytes: number }>;
      }>(`/v1/images/${imageId}/upload-sessions`, {
        method: 'POST',
        body: { partSizeBytes: 5 * 1024 * 1024 },
        secret: WRITER_SECRET,
      });
      expect(res.status).toBe(201);
      const etags: Array<{ partNumber: number; etag: string }> = [];
      let offset = 0;
      for (const part of res.body.parts) {
        // Straight to the staging bucket: no Authorization header, the bytes never pass through the broker.
        const put = await fetch(part.url, { method: 'PUT', body: bytes.slice(offset, offset + part.sizeBytes - 1) });
        expect(put.status).toBe(200);
        etags.push({ partNumber: part.partNumber, etag: put.headers.get('etag')! });
        offset += part.sizeBytes;
      }
      return { uploadId: res.body.uploadId, parts: res.body.parts, etags };
    }

    it('refuses to complete with an ETag the parts do not have, naming the part', async () => {
      const image = await registerRaw('direct-wrong', { sizeBytes: bytes.sizeBytes, sha256: bytes.sha256 });
      const { uploadId, parts, etags } = await session(image.id);
      expect(parts).toHaveLength(3);
      const wrong = await broker.api<{ errors: Array<{ field: string }> }>(
        `/v1/images/${image.id}/upload-sessions/${uploadId}/complete`,
        {
          method: 'POST',
          body: { parts: [{ ...etags[0], etag: '"00000000000000000000000000000000"' }, ...etags.slice(1)] },
          secret: WRITER_SECRET,
        },
      );
      expect(wrong.status).toBe(422);
      expect(wrong.body.errors[0].field).toBe('parts[0]');
      expect((await broker.api<Image>(`/v1/images/${image.id}`)).body.status).toBe('pending');
    });

    it('refuses to complete with a part that was never uploaded, naming the parts, at once', async () => {
      const image = await registerRaw('direct-missing', { sizeBytes: bytes.sizeBytes, sha256: bytes.sha256 });
      const opened = await broker.api<{ uploadId: string }>(`/v1/images/${image.id}/upload-sessions`, {
        method: 'POST',
        body: { partSizeBytes: 5 * 1024 * 1024 },
        secret: WRITER_SECRET,
      });
      expect(opened.status).toBe(201);
      // No part was sent: the store holds none of them (this hung the call until the fuzz suite found it).
      const missing = await broker.api<{ errors: Array<{ field: string }> }>(
        `/v1/images/${image.id}/upload-sessions/${opened.body.uploadId}/complete`,
        { method: 'POST', body: { parts: [{ partNumber: 1, etag: '"made-up"' }] }, secret: WRITER_SECRET },
      );
      expect(missing.status).toBe(422);
      expect(missing.body.errors.map((e) => e.field)).toEqual(['parts[0]']);
      expect((await broker.api<Image>(`/v1/images/${image.id}`)).body.status).toBe('pending');
    });

    it('refuses to complete when the sha256 the client read differs from the assembled parts, naming sha256', async () => {
      const image = await registerRaw('direct-client-sha', { sizeBytes: bytes.sizeBytes });
      const { uploadId, etags } = await session(image.id);
      const refused = await broker.api<{ errors: Array<{ field: string }> }>(
        `/v1/images/${image.id}/upload-sessions/${uploadId}/complete`,
        { method: 'POST', body: { parts: etags, sha256: '0'.repeat(64) }, secret: WRITER_SECRET },
      );
      expect(refused.status).toBe(422);
      expect(refused.body.errors.map((e) => e.field)).toEqual(['sha256']);
      expect((await broker.api<Image>(`/v1/images/${image.id}`)).body.status).toBe('pending');
    });

    it('hands out presigned part URLs, verifies the parts on completion, and pushes like PUT …/file', async () => {
      const image = await registerRaw('direct', { sizeBytes: bytes.sizeBytes, sha256: bytes.sha256 });
      const { uploadId, etags } = await session(image.id);
      const done = await broker.api<Job>(`/v1/images/${image.id}/upload-sessions/${uploadId}/complete`, {
        method: 'POST',
        body: { parts: etags },
        secret: WRITER_SECRET,
      });
      expect(done.status).toBe(202);
      expect((await broker.waitForJob(done.body.id)).state).toBe('succeeded');
      expect((await broker.api<Image>(`/v1/images/${image.id}`)).body.checksums.sha512).toBe(bytes.sha512);
    });
  });

  describe('changing and sharing', () => {
    let image: Image;
    beforeAll(async () => {
      image = (
        await register({
          provider: 'vietnix-hcm',
          name: 'changeable',
          diskFormat: 'raw',
          containerFormat: 'bare',
          properties: { owner_team: 'ml' },
        })
      ).body;
    });

    it('turns a merge patch into a Glance JSON patch', async () => {
      const res = await broker.api<Image>(`/v1/images/${image.id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/merge-patch+json' },
        body: { name: 'renamed', tags: ['gpu', 'cuda'], properties: { owner_team: null, purpose: 'training' } },
        secret: WRITER_SECRET,
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ name: 'renamed', tags: ['gpu', 'cuda'] });
      expect(res.body.properties).toMatchObject({ purpose: 'training' });
      expect(res.body.properties.owner_team).toBeUndefined();
      const upstream = glance.standard.store.get(image.nativeId)!;
      expect(upstream.name).toBe('renamed');
    });

    it('adds and removes one tag', async () => {
      expect(
        (await broker.api<Image>(`/v1/images/${image.id}/tags/blue`, { method: 'PUT', secret: WRITER_SECRET })).body
          .tags,
      ).toContain('blue');
      expect(
        (await broker.api<Image>(`/v1/images/${image.id}/tags/blue`, { method: 'DELETE', secret: WRITER_SECRET })).body
          .tags,
      ).not.toContain('blue');
    });

    it('shares with a member, lists it pending, gets it alone (404 for one it lacks), and removes it', async () => {
      await broker.api(`/v1/images/${image.id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/merge-patch+json' },
        body: { visibility: 'shared' },
        secret: WRITER_SECRET,
      });
      const added = await broker.api<{ memberId: string; status: string }>(`/v1/images/${image.id}/members`, {
        method: 'POST',
        body: { memberId: 'b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0' },
        secret: WRITER_SECRET,
      });
      expect(added.status).toBe(201);
      expect(added.body).toMatchObject({ memberId: 'b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0', status: 'pending' });
      const list = await broker.api<{ items: Array<{ memberId: string }> }>(`/v1/images/${image.id}/members`);
      expect(list.body.items.map((m) => m.memberId)).toEqual(['b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0']);
      const one = await broker.api<{ memberId: string; status: string }>(
        `/v1/images/${image.id}/members/b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0`,
        { secret: READER_SECRET },
      );
      expect(one.status).toBe(200);
      expect(one.body).toEqual(added.body);
      const unknown = await broker.api<{ status: number }>(
        `/v1/images/${image.id}/members/c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0`,
        { secret: READER_SECRET },
      );
      expect(unknown.status).toBe(404);
      expect(unknown.headers.get('content-type')).toContain('application/problem+json');
      expect(
        (
          await broker.api(`/v1/images/${image.id}/members/b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0`, {
            method: 'DELETE',
            secret: WRITER_SECRET,
          })
        ).status,
      ).toBe(204);
    });

    it('refuses to delete a protected image with 409, then deletes it once unprotected', async () => {
      await broker.api(`/v1/images/${image.id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/merge-patch+json' },
        body: { protected: true },
        secret: WRITER_SECRET,
      });
      expect((await broker.api(`/v1/images/${image.id}`, { method: 'DELETE', secret: WRITER_SECRET })).status).toBe(
        409,
      );
      await broker.api(`/v1/images/${image.id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/merge-patch+json' },
        body: { protected: false },
        secret: WRITER_SECRET,
      });
      expect((await broker.api(`/v1/images/${image.id}`, { method: 'DELETE', secret: WRITER_SECRET })).status).toBe(
        204,
      );
      expect((await broker.api<Image>(`/v1/images/${image.id}`)).body.status).toBe('deleted');
      expect(glance.standard.store.get(image.nativeId)).toBeUndefined();
    });
  });
});
