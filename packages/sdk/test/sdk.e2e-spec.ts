import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { READER_SECRET, WRITER_SECRET, type BrokerProcess } from '../../../harness/broker-process';
import { writeTestFile } from '../../../bench/test-file';
import type { CountingProxy } from '../../../test/support/counting-proxy';
import { TcpProxy } from '../../../test/support/tcp-proxy';
import { startBrokerWithEmulators, type BrokerWithEmulators } from './broker-with-emulators';
import { ImageBroker, ImageBrokerError, type JobEvent } from '../src';

const MiB = 1024 * 1024;

describe('the TypeScript SDK against a broker with emulators', () => {
  let rig: BrokerWithEmulators;
  let parts: CountingProxy;
  let broker: BrokerProcess;
  let sdk: ImageBroker;
  let dir: string;
  let file: string;
  let sha256: string;

  const register = async (name: string): Promise<string> =>
    (
      await sdk.transport.data(
        sdk.api.POST('/v1/images', {
          body: { provider: 'vietnix-hcm', name, diskFormat: 'raw', containerFormat: 'bare' },
        }),
        'register',
      )
    ).id;

  beforeAll(async () => {
    rig = await startBrokerWithEmulators('sdk');
    ({ broker, parts } = rig);
    sdk = new ImageBroker({ baseUrl: broker.url, token: WRITER_SECRET });
    dir = mkdtempSync(join(tmpdir(), 'image-broker-sdk-'));
    file = join(dir, 'image.raw');
    sha256 = await writeTestFile(file, 48 * MiB);
  });
  afterAll(async () => {
    await rig?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('uploads a stream through PUT …/file with progress, and a file through a multipart session, both verified', async () => {
    const streamed = await register('sdk-stream');
    const seen: number[] = [];
    const viaPut = await sdk.uploadFile(streamed, Readable.from(chunks(file)), {
      sizeBytes: 48 * MiB,
      onProgress: (p) => seen.push(p.bytesDone),
    });
    expect(viaPut).toMatchObject({ method: 'file', sha256, sizeBytes: 48 * MiB });
    expect(seen.at(-1)).toBe(48 * MiB);
    expect((await sdk.waitForJob(viaPut.job.id)).state).toBe('succeeded');

    const parted = await register('sdk-session');
    const viaSession = await sdk.uploadFile(parted, file, { method: 'session', partSizeBytes: 8 * MiB });
    expect(viaSession).toMatchObject({ method: 'session', sha256, partsSent: 6, partsSkipped: 0 });
    expect((await sdk.waitForJob(viaSession.job.id)).state).toBe('succeeded');
    const image = await sdk.transport.data(sdk.api.GET('/v1/images/{id}', { params: { path: { id: parted } } }), 'get');
    expect(image.checksums.sha256).toBe(sha256);
  });

  it('resumes an interrupted session: only the missing parts are sent', async () => {
    const imageId = await register('sdk-resume');
    const abort = new AbortController();
    let uploadId = '';
    await expect(
      sdk.uploadFile(imageId, file, {
        method: 'session',
        partSizeBytes: 8 * MiB,
        concurrency: 1,
        signal: abort.signal,
        onSession: (id) => void (uploadId = id),
        onProgress: (p) => {
          if (p.bytesDone >= 16 * MiB) abort.abort();
        },
      }),
    ).rejects.toThrow();
    const status = await sdk.uploadSession(imageId, uploadId);
    const staged = status.stagedParts.map((p) => p.partNumber);
    expect(staged.length).toBeGreaterThanOrEqual(2);
    expect(status.parts.map((p) => p.partNumber)).toEqual([1, 2, 3, 4, 5, 6].filter((n) => !staged.includes(n)));
    const putsBefore = new Map(staged.map((n) => [n, parts.partPuts.get(n)]));

    const resumed = await sdk.uploadFile(imageId, file, { resumeUploadId: uploadId });
    expect(resumed).toMatchObject({ sha256, partsSkipped: staged.length, partsSent: 6 - staged.length });
    for (const [n, puts] of putsBefore) expect(parts.partPuts.get(n)).toBe(puts);
    expect((await sdk.waitForJob(resumed.job.id)).state).toBe('succeeded');
  });

  it('downloads a byte range as a stream (206)', async () => {
    const imageId = await register('sdk-download');
    const { job } = await sdk.uploadFile(imageId, file, { method: 'file' });
    expect((await sdk.waitForJob(job.id)).state).toBe('succeeded');
    const start = 5 * MiB + 3;
    const end = 9 * MiB;
    const range = await sdk.downloadFile(imageId, { range: { start, end } });
    expect(range).toMatchObject({ status: 206, contentLength: end - start + 1, totalBytes: 48 * MiB });
    const got = await collect(range.stream);
    const want = await collect(Readable.from(chunks(file)));
    expect(got.equals(want.subarray(start, end + 1))).toBe(true);
  });

  it('watches a job over server-sent events and resumes a dropped connection with Last-Event-ID, without repeats', async () => {
    const through = await TcpProxy.start(broker.url);
    const eventRequests: Array<string | null> = [];
    const watcher = new ImageBroker({
      baseUrl: through.url('http:'),
      token: READER_SECRET,
      fetch: (request) => {
        if (request.url.endsWith('/events')) eventRequests.push(request.headers.get('last-event-id'));
        return fetch(request);
      },
    });
    try {
      const imageId = await register('sdk-watch');
      const { job } = await sdk.uploadFile(imageId, file, { method: 'file' });
      const events: JobEvent[] = [];
      for await (const event of watcher.watchJob(job.id)) {
        events.push(event);
        if (events.length === 1) {
          through.cut();
          setTimeout(() => through.restore(), 300);
        }
      }
      expect(events.at(-1)).toMatchObject({ type: 'end', job: { state: 'succeeded' } });
      expect(eventRequests.length).toBeGreaterThanOrEqual(2);
      expect(eventRequests[1]).toBe(events[0].id);
      const ids = events.map((e) => e.id);
      expect(new Set(ids).size).toBe(ids.length);
    } finally {
      await through.close();
    }
  });

  it('answers problems as typed errors naming the fields', async () => {
    const error = await sdk.transport
      .data(sdk.api.POST('/v1/images', { body: { provider: 'vietnix-hcm', name: '' } }), 'register')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageBrokerError);
    expect((error as ImageBrokerError).status).toBe(400);
    expect((error as ImageBrokerError).fields.map((f) => f.field)).toContain('name');
    const missing = await sdk.getJob('00000000-0000-4000-8000-000000000000').catch((e: unknown) => e);
    expect(missing).toMatchObject({ status: 404 });
  });

  it('resolves a family to the copy on a provider', async () => {
    const imageId = await register('sdk-family-source');
    const { job } = await sdk.uploadFile(imageId, file, { method: 'file' });
    expect((await sdk.waitForJob(job.id)).state).toBe('succeeded');
    await sdk.transport.data(
      sdk.api.POST('/v1/families', {
        body: {
          name: 'sdk-gpu',
          description: 'SDK test family',
          os: { type: 'linux' },
          targets: [{ provider: 'vietnix-hcm' }],
          onDrift: 'report',
        },
      }),
      'create family',
    );
    const published = await sdk.transport.data(
      sdk.api.POST('/v1/families/{family}/versions', {
        params: { path: { family: 'sdk-gpu' } },
        body: { version: '1.0', imageId },
      }),
      'publish',
    );
    for (const placement of published.placements) if (placement.jobId) await sdk.waitForJob(placement.jobId);
    const resolved = await sdk.resolve('sdk-gpu', { provider: 'vietnix-hcm' });
    expect(resolved).toMatchObject({ family: 'sdk-gpu', version: '1.0', provider: 'vietnix-hcm', imageId, sha256 });
  });
});

describe('the SDK under the rate limit', () => {
  let rig: BrokerWithEmulators;
  let broker: BrokerProcess;
  beforeAll(async () => {
    rig = await startBrokerWithEmulators('sdk-429', { RATE_LIMIT_REQUESTS: '3', RATE_LIMIT_WINDOW_SECONDS: '2' });
    broker = rig.broker;
  });
  afterAll(async () => {
    await rig?.stop();
  });

  it('waits what a 429 Retry-After asks and then succeeds', async () => {
    const answers: Array<{ status: number; retryAfter: string | null; at: number }> = [];
    const sdk = new ImageBroker({
      baseUrl: broker.url,
      token: READER_SECRET,
      fetch: async (request) => {
        const response = await fetch(request);
        answers.push({ status: response.status, retryAfter: response.headers.get('retry-after'), at: Date.now() });
        return response;
      },
    });
    for (let i = 0; i < 6; i++) {
      const { items } = await sdk.transport.data(sdk.api.GET('/v1/providers'), 'providers');
      expect(items.length).toBe(2);
    }
    const limited = answers.findIndex((a) => a.status === 429);
    expect(limited).toBeGreaterThanOrEqual(0);
    expect(Number(answers[limited].retryAfter)).toBeGreaterThan(0);
    // The next attempt came no sooner than the wait asked for (whole seconds, so allow the rounding).
    expect(answers[limited + 1].at - answers[limited].at).toBeGreaterThanOrEqual(
      Number(answers[limited].retryAfter) * 1000 - 1000,
    );

    const impatient = new ImageBroker({ baseUrl: broker.url, token: READER_SECRET, retry: { maxRetries: 0 } });
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        impatient.transport.data(impatient.api.GET('/v1/providers'), 'providers').catch((e: unknown) => e),
      ),
    );
    const refused = results.find((r) => r instanceof ImageBrokerError) as ImageBrokerError;
    expect(refused.status).toBe(429);
    expect(refused.retryAfterMs).toBeGreaterThan(0);
  });
});

async function* chunks(path: string): AsyncGenerator<Buffer> {
  const { createReadStream } = await import('node:fs');
  for await (const chunk of createReadStream(path)) yield chunk as Buffer;
}

async function collect(stream: Readable): Promise<Buffer> {
  const all: Buffer[] = [];
  for await (const chunk of stream) all.push(chunk as Buffer);
  return Buffer.concat(all);
}
