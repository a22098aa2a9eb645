import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { ADMIN_SECRET, BrokerProcess, READER_SECRET, WRITER_SECRET } from '../../harness/broker-process';
import { startEmbeddedS3, type EmbeddedS3 } from '../../sandbox/embedded-s3';
import {
  glanceProvidersYaml,
  KEYSTONE_USER,
  NHN_TOKEN,
  startGlancePair,
  type GlanceEmulator,
} from '../support/glance-fixtures';
import { TestImageBytes } from '../support/image-bytes';
import { scenarioDelay, waitFor } from '../support/wait-for';

interface Job {
  id: string;
  state: string;
  error: { code: string; message: string } | null;
}

/** Every line a broker printed, parsed; a line that is not JSON fails the test that reads it. */
function logLines(broker: BrokerProcess): Array<Record<string, unknown>> {
  return broker.output
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`not a JSON log line: ${line}`);
      }
    });
}

/** The value of one sample in a Prometheus exposition, or undefined when absent. */
function sample(metrics: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of metrics.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const labelText = line.slice(name.length + 1, line.lastIndexOf('}'));
    const present = Object.fromEntries(
      [...labelText.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]] as [string, string]),
    );
    if (Object.entries(labels).every(([k, v]) => present[k] === v))
      return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

async function scrape(broker: BrokerProcess): Promise<{ status: number; contentType: string | null; text: string }> {
  const res = await fetch(`${broker.url}/metrics`);
  return { status: res.status, contentType: res.headers.get('content-type'), text: await res.text() };
}

describe('operating the broker: metrics, logs, rate limits, dashboard, shutdown', () => {
  const bytes = new TestImageBytes(3 * 1024 * 1024 + 5, 'ops');
  let s3: EmbeddedS3;
  let glance: { nhn: GlanceEmulator; standard: GlanceEmulator; nhnUrl: string; standardUrl: string };
  let api: BrokerProcess;
  let worker: BrokerProcess;
  let uploadJob: Job;
  let imageId: string;

  beforeAll(async () => {
    s3 = await startEmbeddedS3();
    glance = await startGlancePair({ nhn: 7, standard: 9 });
    api = await BrokerProcess.start({
      label: 'ops-api',
      role: 'api',
      providersYaml: glanceProvidersYaml(glance.nhnUrl, glance.standardUrl),
      env: { NHN_TOKEN, ...s3.env, IMPORT_ALLOWED_ADDRESSES: '127.0.0.1' },
    });
    worker = await BrokerProcess.start({ label: 'ops-worker', role: 'worker', shareWith: api });

    for (const provider of ['nhn-kr1', 'vietnix-hcm']) {
      const sync = await api.api<Job>(`/v1/providers/${provider}/sync`, { method: 'POST', secret: ADMIN_SECRET });
      expect((await api.waitForJob(sync.body.id)).state).toBe('succeeded');
    }
    const image = await api.api<{ id: string }>('/v1/images', {
      method: 'POST',
      secret: WRITER_SECRET,
      body: {
        provider: 'vietnix-hcm',
        name: 'ops-image',
        diskFormat: 'raw',
        containerFormat: 'bare',
        sizeBytes: bytes.sizeBytes,
        sha256: bytes.sha256,
      },
    });
    expect(image.status).toBe(201);
    imageId = image.body.id;
    const put = await api.putImageFile<Job>(imageId, bytes.stream());
    expect(put.status).toBe(202);
    uploadJob = put.body;
    expect((await api.waitForJob(uploadJob.id)).state).toBe('succeeded');
  });

  afterAll(async () => {
    await worker?.stop();
    await api?.stop();
    await glance?.nhn.close();
    await glance?.standard.close();
    await s3?.close();
  });

  describe('GET /metrics', () => {
    it('serves Prometheus text without a key, with request durations by route template and status', async () => {
      await api.api(`/v1/images/${imageId}`, { secret: READER_SECRET });
      const { status, contentType, text } = await scrape(api);
      expect(status).toBe(200);
      expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(
        sample(text, 'image_broker_http_request_duration_seconds_count', {
          method: 'PUT',
          route: '/v1/images/:id/file',
          status: '202',
        }),
      ).toBe(1);
      expect(
        sample(text, 'image_broker_http_request_duration_seconds_count', {
          method: 'GET',
          route: '/v1/images/:id',
          status: '200',
        }),
      ).toBeGreaterThanOrEqual(1);
      // One series per route, never one per image.
      expect(text).not.toContain(imageId);
    });

    it('counts jobs by type, state and provider, queue depth, and the catalogue per provider with its sync age', async () => {
      const { text } = await scrape(api);
      expect(sample(text, 'image_broker_jobs', { type: 'sync', state: 'succeeded', provider: 'nhn-kr1' })).toBe(1);
      expect(sample(text, 'image_broker_jobs', { type: 'upload', state: 'succeeded', provider: 'vietnix-hcm' })).toBe(
        1,
      );
      expect(sample(text, 'image_broker_queue_jobs', { queue: 'transfers', state: 'active' })).toBe(0);
      expect(sample(text, 'image_broker_queue_jobs', { queue: 'catalogue', state: 'waiting' })).toBe(0);
      const listed = await api.api<{ items: unknown[] }>('/v1/images?provider=nhn-kr1&limit=100', {
        secret: READER_SECRET,
      });
      expect(listed.body.items.length).toBeGreaterThan(0);
      expect(sample(text, 'image_broker_catalogue_images', { provider: 'nhn-kr1' })).toBe(listed.body.items.length);
      expect(sample(text, 'image_broker_catalogue_images', { provider: 'vietnix-hcm' })).toBeGreaterThan(0);
      const age = sample(text, 'image_broker_catalogue_last_sync_age_seconds', { provider: 'nhn-kr1' });
      expect(age).toBeGreaterThanOrEqual(0);
      expect(age).toBeLessThan(300);
      expect(
        sample(text, 'image_broker_transfer_bytes_total', { direction: 'client_to_staging', provider: 'vietnix-hcm' }),
      ).toBe(bytes.sizeBytes);
    });

    it("serves the worker's job durations, bytes pushed and provider calls by operation on the worker's own port", async () => {
      const { status, text } = await scrape(worker);
      expect(status).toBe(200);
      expect(
        sample(text, 'image_broker_job_duration_seconds_count', {
          type: 'upload',
          provider: 'vietnix-hcm',
          outcome: 'succeeded',
        }),
      ).toBe(1);
      expect(
        sample(text, 'image_broker_job_duration_seconds_count', {
          type: 'sync',
          provider: 'nhn-kr1',
          outcome: 'succeeded',
        }),
      ).toBe(1);
      expect(
        sample(text, 'image_broker_transfer_bytes_total', {
          direction: 'staging_to_provider',
          provider: 'vietnix-hcm',
        }),
      ).toBe(bytes.sizeBytes);
      expect(
        sample(text, 'image_broker_provider_call_duration_seconds_count', {
          provider: 'vietnix-hcm',
          operation: 'PUT /v2/images/{id}/file',
          outcome: '204',
        }),
      ).toBe(1);
      expect(
        sample(text, 'image_broker_provider_call_duration_seconds_count', {
          provider: 'nhn-kr1',
          operation: 'GET /v2/images',
          outcome: '200',
        }),
      ).toBeGreaterThanOrEqual(1);
    });

    it('counts provider errors by operation', async () => {
      const errors = async () =>
        sample((await scrape(worker)).text, 'image_broker_provider_call_errors_total', {
          provider: 'nhn-kr1',
          operation: 'GET /v2/images',
          error: 'http_503',
        }) ?? 0;
      glance.nhn.faults.set({ errorRate: 1, errorStatuses: [503] });
      let syncId: string;
      try {
        const sync = await api.api<Job>('/v1/providers/nhn-kr1/sync', { method: 'POST', secret: ADMIN_SECRET });
        syncId = sync.body.id;
        await waitFor(async () => (await errors()) >= 1);
      } finally {
        glance.nhn.faults.clear();
      }
      expect((await api.waitForJob(syncId, 90_000)).state).toBe('succeeded');
    });
  });

  describe('logs', () => {
    it('writes one JSON line per request, with the caller-given X-Request-Id, and echoes it', async () => {
      const res = await fetch(`${api.url}/v1/providers`, {
        headers: { authorization: `Bearer ${READER_SECRET}`, 'x-request-id': 'ops-trace-42' },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-request-id')).toBe('ops-trace-42');
      const completed = () =>
        logLines(api).filter((l) => l.requestId === 'ops-trace-42' && l.msg === 'request completed');
      await waitFor(async () => completed().length > 0, 5_000, 20);
      const lines = logLines(api).filter((l) => l.requestId === 'ops-trace-42' && l.msg === 'request completed');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ method: 'GET', route: '/v1/providers', statusCode: 200, level: 'info' });
    });

    it('generates a request id when none is given, and refuses one that could forge log lines', async () => {
      const plain = await fetch(`${api.url}/v1/providers`, { headers: { authorization: `Bearer ${READER_SECRET}` } });
      expect(plain.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      const forged = await fetch(`${api.url}/v1/providers`, {
        headers: { authorization: `Bearer ${READER_SECRET}`, 'x-request-id': 'a b"}{"level":"fatal' },
      });
      expect(forged.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('puts the job id on every worker line logged while a job runs', async () => {
      const lines = logLines(worker).filter((l) => l.jobId === uploadJob.id);
      expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['upload job started', 'upload job succeeded']));
      for (const line of lines) expect(line.jobType).toBe('upload');
    });

    it('never writes a provider credential, API key or presigned URL signature to a log line or an error body', async () => {
      const origin = await new Promise<Server>((resolve) => {
        const server = createServer((_req, res) => res.writeHead(404).end('gone')).listen(0, '127.0.0.1', () =>
          resolve(server),
        );
      });
      const port = (origin.address() as AddressInfo).port;
      const bodies: string[] = [];
      try {
        const wrongKey = 'not-a-key-but-a-secret-0123456789';
        const refused = await fetch(`${api.url}/v1/images`, { headers: { authorization: `Bearer ${wrongKey}` } });
        expect(refused.status).toBe(401);
        bodies.push(await refused.text());

        // An import URL carrying a signature, a token and a password, that fails: the job's error names the URL.
        const target = await api.api<{ id: string }>('/v1/images', {
          method: 'POST',
          secret: WRITER_SECRET,
          body: { provider: 'vietnix-hcm', name: 'ops-import', diskFormat: 'raw', containerFormat: 'bare' },
        });
        const url = `http://importer:pass-secret-777@127.0.0.1:${port}/disk.img?X-Amz-Signature=sig-secret-888&token=tok-secret-999`;
        const started = await api.api<Job>(`/v1/images/${target.body.id}/import`, {
          method: 'POST',
          secret: WRITER_SECRET,
          body: { url },
        });
        expect(started.status).toBe(202);
        const ended = await api.waitForJob(started.body.id);
        expect(ended.state).toBe('failed');
        const jobBody = await api.api(`/v1/jobs/${started.body.id}`, { secret: READER_SECRET });
        bodies.push(JSON.stringify(jobBody.body));
        expect(JSON.stringify(jobBody.body)).toContain(`127.0.0.1:${port}/disk.img`);

        // A direct-upload session hands out presigned URLs; their signatures are the client's, not the logs'.
        const other = await api.api<{ id: string }>('/v1/images', {
          method: 'POST',
          secret: WRITER_SECRET,
          body: {
            provider: 'vietnix-hcm',
            name: 'ops-direct',
            diskFormat: 'raw',
            containerFormat: 'bare',
            sizeBytes: bytes.sizeBytes,
            sha256: bytes.sha256,
          },
        });
        const session = await api.api<{ parts: Array<{ url: string }> }>(
          `/v1/images/${other.body.id}/upload-sessions`,
          {
            method: 'POST',
            secret: WRITER_SECRET,
            body: { partSizeBytes: 5 * 1024 * 1024 },
          },
        );
        expect(session.status).toBe(201);
        const signatures = session.body.parts.map((p) => new URL(p.url).searchParams.get('X-Amz-Signature'));
        expect(signatures.every((s) => typeof s === 'string' && s.length > 20)).toBe(true);
        // The presigned URL sent back to the broker in a query is scrubbed from the request line too.
        const echoed = await fetch(
          `${api.url}/v1/images?limit=1&X-Amz-Signature=${signatures[0]}&token=tok-secret-999`,
          { headers: { authorization: `Bearer ${READER_SECRET}` } },
        );
        bodies.push(await echoed.text());

        // The last request's log line is out: every line the requests above caused is written.
        await waitFor(
          async () =>
            logLines(api).some(
              (l) =>
                l.msg === 'request completed' &&
                l.route === '/v1/images' &&
                String(l.url).includes('X-Amz-Signature=') &&
                String(l.url).includes('limit=1'),
            ),
          5_000,
          20,
        );
        const secrets = [
          ADMIN_SECRET,
          READER_SECRET,
          WRITER_SECRET,
          wrongKey,
          NHN_TOKEN,
          KEYSTONE_USER.password,
          'pass-secret-777',
          'sig-secret-888',
          'tok-secret-999',
          ...(signatures as string[]),
        ];
        const everything = [api.output, worker.output, ...bodies].join('\n');
        for (const secret of secrets) expect([secret, everything.includes(secret)]).toEqual([secret, false]);
        // Still JSON, every line of both processes.
        expect(logLines(api).length).toBeGreaterThan(10);
        expect(logLines(worker).length).toBeGreaterThan(5);
      } finally {
        origin.close();
      }
    });
  });

  describe('rate limits', () => {
    it('holds one limit per API key across two API replicas, then answers 429 problem+json with Retry-After', async () => {
      const first = await BrokerProcess.start({
        label: 'ops-rate',
        role: 'api',
        env: { RATE_LIMIT_REQUESTS: '6', RATE_LIMIT_WINDOW_SECONDS: '60' },
      });
      const second = await BrokerProcess.start({ label: 'ops-rate-2', role: 'api', shareWith: first });
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 6; i++) {
          statuses.push((await (i % 2 === 0 ? first : second).api('/v1/providers', { secret: READER_SECRET })).status);
        }
        expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
        const limited = await second.api<{ status: number; title: string; detail: string }>('/v1/providers', {
          secret: READER_SECRET,
        });
        expect(limited.status).toBe(429);
        expect(limited.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        const retryAfter = Number(limited.headers.get('retry-after'));
        expect(retryAfter).toBeGreaterThan(0);
        expect(retryAfter).toBeLessThanOrEqual(60);
        expect(limited.body).toMatchObject({ status: 429, title: 'Too many requests' });
        expect(limited.body.detail).toMatch(/6 requests per 60 s/);
        expect((await first.api('/v1/providers', { secret: READER_SECRET })).status).toBe(429);
        // Another key has its own budget; probes are never limited.
        expect((await first.api('/v1/providers', { secret: WRITER_SECRET })).status).toBe(200);
        for (let i = 0; i < 10; i++) expect((await fetch(`${first.url}/health/live`)).status).toBe(200);
      } finally {
        await second.stop();
        await first.stop();
      }
    });
  });

  describe('the queue dashboard at /admin/queues', () => {
    it('asks a browser for credentials without a key, and refuses a key without the admin scope', async () => {
      const anonymous = await fetch(`${api.url}/admin/queues`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
      expect(anonymous.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      for (const secret of [READER_SECRET, WRITER_SECRET]) {
        const res = await fetch(`${api.url}/admin/queues/api/queues`, {
          headers: { authorization: `Bearer ${secret}` },
        });
        expect(res.status).toBe(403);
      }
    });

    it('serves the board and its queue API to an admin key, as Bearer or as the Basic password', async () => {
      const page = await fetch(`${api.url}/admin/queues`, { headers: { authorization: `Bearer ${ADMIN_SECRET}` } });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<!DOCTYPE html>');
      const basic = Buffer.from(`operator:${ADMIN_SECRET}`).toString('base64');
      const queues = await fetch(`${api.url}/admin/queues/api/queues`, {
        headers: { authorization: `Basic ${basic}` },
      });
      expect(queues.status).toBe(200);
      const body = (await queues.json()) as { queues: Array<{ name: string }> };
      expect(body.queues.map((q) => q.name).sort()).toEqual(['catalogue', 'transfers']);
    });
  });

  describe('graceful shutdown of the API', () => {
    it('finishes a request in flight after SIGTERM, fails readiness, and exits 0 within the deadline', async () => {
      const drain = await BrokerProcess.start({
        label: 'ops-drain',
        role: 'api',
        shareWith: api,
        env: { SHUTDOWN_TIMEOUT_MS: '15000' },
      });
      const slow = new TestImageBytes(bytes.sizeBytes, 'ops');
      const image = await drain.api<{ id: string }>('/v1/images', {
        method: 'POST',
        secret: WRITER_SECRET,
        body: {
          provider: 'vietnix-hcm',
          name: 'ops-drain',
          diskFormat: 'raw',
          containerFormat: 'bare',
          sizeBytes: slow.sizeBytes,
          sha256: slow.sha256,
        },
      });
      // The body trickles in over about two seconds, so SIGTERM lands mid-request.
      const chunks = slow.stream();
      const trickle = Readable.from(
        (async function* () {
          for await (const chunk of chunks) {
            yield chunk as Buffer;
            await scenarioDelay(40); // a slow client's pace
          }
        })(),
      );
      const upload = fetch(`${drain.url}/v1/images/${image.body.id}/file`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${WRITER_SECRET}`, 'content-type': 'application/octet-stream' },
        body: trickle as unknown as RequestInit['body'],
        duplex: 'half',
      } as RequestInit);
      // Fixed timings, kept as they are (waits on the upload's progress made this test flaky):
      // SIGTERM lands about half a second into the two-second body, and readiness is asked 200 ms later.
      await scenarioDelay(500);
      const stoppingAt = Date.now();
      drain.signal('SIGTERM');
      await scenarioDelay(200);
      // No new work reaches a replica that is draining: readiness fails, or the port no longer accepts.
      const ready = await fetch(`${drain.url}/health/ready`).then(
        (res) => res.status,
        () => 'refused',
      );
      expect([503, 'refused']).toContain(ready);
      const response = await upload;
      expect(response.status).toBe(202);
      const job = (await response.json()) as Job;
      const code = await drain.waitForExit(20_000);
      expect(code).toBe(0);
      expect(Date.now() - stoppingAt).toBeLessThan(15_000);
      expect(logLines(drain).map((l) => l.msg)).toEqual(expect.arrayContaining(['SIGTERM: shutting down', 'stopped']));
      // Nothing was lost: the other replica and the worker finish the upload the drained replica accepted.
      expect((await api.waitForJob(job.id)).state).toBe('succeeded');
      await drain.stop();
    });
  });
});
