import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BrokerProcess, WRITER_SECRET } from '../../harness/broker-process';
import { startEmbeddedS3, type EmbeddedS3 } from '../../sandbox/embedded-s3';
import { glanceProvidersYaml, NHN_TOKEN, startGlancePair, type GlanceEmulator } from '../support/glance-fixtures';
import { TestImageBytes } from '../support/image-bytes';

interface Job {
  id: string;
  state: string;
  attempts: number;
  error: { code: string; message: string } | null;
  result: Record<string, unknown> | null;
}

describe('importing an image from a URL', () => {
  const bytes = new TestImageBytes(3 * 1024 * 1024 + 17, 'import');
  let files: Server;
  let filesUrl: string;
  /** Another service on the same host as `files`, on a port the allowlist does not name (as Redis or PostgreSQL would be). */
  let otherService: Server;
  let otherServiceUrl: string;
  let s3: EmbeddedS3;
  let glance: GlanceEmulator[] = [];
  let broker: BrokerProcess;

  async function imageFor(name: string, extra: Record<string, unknown> = {}): Promise<string> {
    const res = await broker.api<{ id: string }>('/v1/images', {
      method: 'POST',
      body: { provider: 'vietnix-hcm', name, diskFormat: 'raw', containerFormat: 'bare', ...extra },
      secret: WRITER_SECRET,
    });
    return res.body.id;
  }

  async function importAndWait(imageId: string, body: Record<string, unknown>): Promise<Job> {
    const res = await broker.api<Job>(`/v1/images/${imageId}/import`, { method: 'POST', body, secret: WRITER_SECRET });
    expect(res.status).toBe(202);
    return broker.waitForJob(res.body.id, 60_000) as Promise<Job>;
  }

  beforeAll(async () => {
    files = createServer((req, res) => {
      if (req.url === '/image.raw') {
        res.writeHead(200, { 'content-length': String(bytes.sizeBytes) });
        bytes.stream().pipe(res);
      } else if (req.url === '/moved') {
        res.writeHead(302, { location: '/image.raw' }).end();
      } else if (req.url?.startsWith('/loop')) {
        res.writeHead(302, { location: `/loop${Math.random()}` }).end();
      } else if (req.url === '/truncated') {
        // Declares the whole file, sends a third of it, and hangs up.
        res.writeHead(200, { 'content-length': String(bytes.sizeBytes) });
        res.write(Buffer.alloc(Math.floor(bytes.sizeBytes / 3), 7), () => res.destroy());
      } else if (req.url === '/to-other-port') {
        res.writeHead(302, { location: `${otherServiceUrl}/image.raw` }).end();
      } else if (req.url === '/chunked') {
        res.writeHead(200);
        bytes.stream().pipe(res);
      } else {
        res.writeHead(404).end('not here');
      }
    });
    await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
    filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
    otherService = createServer((_req, res) => {
      res.writeHead(200, { 'content-length': String(bytes.sizeBytes) });
      bytes.stream().pipe(res);
    });
    await new Promise<void>((resolve) => otherService.listen(0, '127.0.0.1', resolve));
    otherServiceUrl = `http://127.0.0.1:${(otherService.address() as AddressInfo).port}`;
    s3 = await startEmbeddedS3();
    const pair = await startGlancePair({ nhn: 2, standard: 2 });
    glance = [pair.nhn, pair.standard];
    broker = await BrokerProcess.start({
      label: 'import',
      providersYaml: glanceProvidersYaml(pair.nhnUrl, pair.standardUrl),
      // The tests' file server is on loopback, which imports refuse unless allowed: that one port only.
      env: { NHN_TOKEN, ...s3.env, IMPORT_ALLOWED_ADDRESSES: new URL(filesUrl).host },
    });
  });
  afterAll(async () => {
    await broker?.stop();
    await Promise.all(glance.map((g) => g.close()));
    await s3?.close();
    for (const server of [files, otherService]) {
      server?.closeAllConnections();
      await new Promise((resolve) => server?.close(resolve));
    }
  });

  it('fetches the URL through a redirect, verifies the sha256, and pushes it to Glance', async () => {
    const id = await imageFor('imported');
    const job = await importAndWait(id, { url: `${filesUrl}/moved`, sha256: bytes.sha256 });
    expect(job.state).toBe('succeeded');
    expect(job.result).toMatchObject({
      sizeBytes: bytes.sizeBytes,
      sha256: bytes.sha256,
      url: `${filesUrl}/image.raw`,
    });
    const upload = await broker.waitForJob(String(job.result?.uploadJobId), 60_000);
    expect(upload.state).toBe('succeeded');
    const image = await broker.api<{ status: string; checksums: { sha512: string } }>(`/v1/images/${id}`);
    expect(image.body).toMatchObject({ status: 'active', checksums: { sha512: bytes.sha512 } });
  });

  it('imports from the allowed host:port, and refuses the same host on another port with a 422 naming url', async () => {
    const id = await imageFor('allowed-port');
    const job = await importAndWait(id, { url: `${filesUrl}/image.raw`, sha256: bytes.sha256 });
    expect(job.state).toBe('succeeded');

    const other = await imageFor('other-port');
    const res = await broker.api<{ status: number; errors: Array<{ field: string; message: string }> }>(
      `/v1/images/${other}/import`,
      { method: 'POST', body: { url: `${otherServiceUrl}/image.raw` }, secret: WRITER_SECRET },
    );
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body.errors).toEqual([
      { field: 'url', message: expect.stringContaining(`refused on port ${new URL(otherServiceUrl).port}`) },
    ]);
    expect((await broker.api<{ items: unknown[] }>(`/v1/jobs?imageId=${other}`)).body.items).toEqual([]);
    expect((await broker.api<{ status: string }>(`/v1/images/${other}`)).body.status).toBe('pending');
  });

  it.each([
    ['a cloud metadata address', 'http://169.254.169.254/latest/meta-data/'],
    ['a private address', 'http://10.0.0.1/image.raw'],
    ['loopback in IPv4-compatible IPv6', 'http://[::7f00:1]/image.raw'],
    ['loopback in IPv4-mapped IPv6', 'http://[::ffff:127.0.0.1]/image.raw'],
    ['NAT64', 'http://[64:ff9b::a00:1]/image.raw'],
    ['6to4', 'http://[2002:7f00:1::1]/image.raw'],
    ['site-local', 'http://[fec0::1]/image.raw'],
    ['benchmarking', 'http://198.18.0.1/image.raw'],
    ['multicast', 'http://224.0.0.1/image.raw'],
    ['broadcast', 'http://255.255.255.255/image.raw'],
  ])('refuses %s before any job, with a 422 naming url', async (_case, url) => {
    const id = await imageFor(`refused-${Math.random()}`);
    const res = await broker.api<{ errors: Array<{ field: string }> }>(`/v1/images/${id}/import`, {
      method: 'POST',
      body: { url },
      secret: WRITER_SECRET,
    });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].field).toBe('url');
  });

  it.each([
    ['a redirect to another port of the allowed host', '/to-other-port', 'import_url_refused'],
    ['a URL that answers 404', '/missing', 'import_source_http_404'],
    ['a URL that redirects forever', '/loop', 'import_too_many_redirects'],
  ])('fails at once, with a precise code, for %s', async (_case, url, code) => {
    const id = await imageFor(`refused-${code}-${Math.random()}`);
    const job = await importAndWait(id, { url: url.startsWith('/') ? `${filesUrl}${url}` : url });
    expect(job.state).toBe('failed');
    expect(job.error?.code).toBe(code);
    expect(job.attempts).toBe(1);
  });

  it('fails a source that sends more than the image was registered with', async () => {
    const id = await imageFor('too-long', { sizeBytes: 1024 * 1024 });
    const job = await importAndWait(id, { url: `${filesUrl}/chunked` });
    expect(job.state).toBe('failed');
    expect(job.error?.code).toBe('import_source_too_large');
  });

  it('fails bytes whose sha256 is not the one given', async () => {
    const id = await imageFor('wrong-digest');
    const job = await importAndWait(id, { url: `${filesUrl}/image.raw`, sha256: '0'.repeat(64) });
    expect(job.state).toBe('failed');
    expect(job.error?.code).toBe('checksum_mismatch');
  });

  it('refuses a body that is not an http(s) URL with a 400 naming url', async () => {
    const id = await imageFor('bad-url');
    const res = await broker.api<{ errors: Array<{ field: string }> }>(`/v1/images/${id}/import`, {
      method: 'POST',
      body: { url: 'file:///etc/passwd' },
      secret: WRITER_SECRET,
    });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('url');
  });
  it('fails a source that breaks off before its Content-Length as a retryable source error, leaving the image pending', async () => {
    const id = await imageFor('truncated');
    const job = await importAndWait(id, { url: `${filesUrl}/truncated` });
    expect(job.state).toBe('failed');
    expect(job.error?.code).toBe('import_source_unavailable');
    expect(job.error?.message).toMatch(/broke off after \d+ of \d+ bytes/);
    const image = (await broker.api<{ status: string; sizeBytes: number | null }>(`/v1/images/${id}`)).body;
    expect(image.status).toBe('pending');
  });
});
