import { ADMIN_SECRET, BrokerProcess } from '../../harness/broker-process';
import { rawExchange, type RawResponse } from '../support/raw-http';

/** Each malformed request below was answered 500, or by Node/Fastify as something other than problem+json. */
describe('malformed requests get a 4xx problem+json', () => {
  let broker: BrokerProcess;

  beforeAll(async () => {
    broker = await BrokerProcess.start({ label: 'malformed', env: { LOG_LEVEL: 'warn' } });
  });
  afterAll(async () => {
    await broker?.stop();
  });

  function expectProblem(res: { status: number; contentType: string; body: unknown }, status: number, field?: string) {
    expect(res.status).toBe(status);
    expect(res.contentType).toMatch(/^application\/problem\+json/);
    const problem = res.body as { type: unknown; title: unknown; status: unknown; detail: unknown; errors?: unknown };
    expect(problem).toEqual(
      expect.objectContaining({
        type: expect.any(String),
        title: expect.any(String),
        status,
        detail: expect.any(String),
      }),
    );
    if (field) expect(problem.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  }

  async function call(path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) {
    const res = await broker.api(path, { secret: ADMIN_SECRET, ...init });
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: res.body };
  }

  async function raw(request: string, halfClose = false) {
    const res: RawResponse = await rawExchange(broker.port, Buffer.from(request, 'latin1'), { halfClose });
    let body: unknown = res.body;
    try {
      body = JSON.parse(res.body);
    } catch {
      // left as text: the assertion shows it
    }
    return { status: res.status, contentType: res.headers['content-type'] ?? '', body };
  }

  const AUTH = `Authorization: Bearer ${ADMIN_SECRET}\r\n`;

  describe('bodies', () => {
    const deep = (n: number) => `{"name":"x","properties":{"a":${'['.repeat(n)}${']'.repeat(n)}}}`;

    it.each([
      ['POST', '/v1/images', 'application/json'],
      ['PATCH', '/v1/images/00000000-0000-4000-8000-000000000000', 'application/merge-patch+json'],
      ['POST', '/v1/providers', 'application/json'],
    ])('refuses JSON nested 5,000 levels deep on %s %s with a 400 naming the body', async (method, path, type) => {
      expectProblem(await call(path, { method, body: deep(5_000), headers: { 'content-type': type } }), 400, 'body');
    });

    it('refuses a megabyte of nested arrays at once, without parsing it', async () => {
      const n = 400_000;
      const res = await call('/v1/images', { method: 'POST', body: '['.repeat(n) + ']'.repeat(n) });
      expectProblem(res, 400, 'body');
    });

    it('still takes a body nested as deep as the API needs', async () => {
      const res = await call('/v1/providers', {
        method: 'POST',
        body: { name: 'x', auth: { type: 'token', token: 'y' } },
      });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).not.toMatch(/nests/);
    });
  });

  describe('query filters', () => {
    it.each([
      '/v1/images?q=a%00b',
      '/v1/images?gpuModel=a%00b',
      '/v1/images?provider=a%00b',
      '/v1/images?region=%00',
      '/v1/images?osDistro=%00',
      '/v1/images?osVersion=%00',
      '/v1/images?architecture=%00',
      '/v1/images?gpuVendor=%00',
      '/v1/images?tag=%00',
      '/v1/jobs?provider=a%00b',
    ])('refuses a NUL in %s with a 400 naming the filter', async (path) => {
      const field = /\?(\w+)=/.exec(path)?.[1];
      expectProblem(await call(path), 400, field);
    });

    it('refuses a filter longer than its cap, naming it', async () => {
      expectProblem(await call(`/v1/images?tag=${'a'.repeat(256)}`), 400, 'tag');
      expectProblem(await call(`/v1/jobs?provider=${'a'.repeat(64)}`), 400, 'provider');
    });

    it('refuses an imageId filter that only looks like a UUID', async () => {
      expectProblem(await call(`/v1/jobs?imageId=${'-'.repeat(36)}`), 400, 'imageId');
    });

    const cursor = (value: unknown[]) => Buffer.from(JSON.stringify(value)).toString('base64url');
    it.each([
      ['a row id that is not a UUID', '/v1/images?cursor=WyJuYW1lIiwiYSIsIm5vdC11dWlkIl0'],
      ['a NUL in a name', `/v1/images?cursor=${cursor(['name', 'a\u0000', '00000000-0000-4000-8000-000000000000'])}`],
      [
        'a date that is not a date',
        `/v1/images?sort=createdAt&cursor=${cursor(['createdAt', 'soon', '00000000-0000-4000-8000-000000000000'])}`,
      ],
      [
        'a size that is not an integer',
        `/v1/images?sort=sizeBytes&cursor=${cursor(['sizeBytes', '1.5e3', '00000000-0000-4000-8000-000000000000'])}`,
      ],
      ['a number for a name', `/v1/images?cursor=${cursor(['name', 7, '00000000-0000-4000-8000-000000000000'])}`],
      [
        'a job cursor without a date',
        `/v1/jobs?cursor=${cursor(['-createdAt', null, '00000000-0000-4000-8000-000000000000'])}`,
      ],
      [
        'a job cursor whose row id is not a UUID',
        `/v1/jobs?cursor=${cursor(['-createdAt', '2026-01-01T00:00:00.000Z', 'x'])}`,
      ],
    ])('refuses a cursor with %s, naming cursor', async (_what, path) => {
      expectProblem(await call(path), 400, 'cursor');
    });

    it('still pages with the cursors it issues', async () => {
      const valid = cursor(['-createdAt', '2026-01-01T00:00:00.000Z', '00000000-0000-4000-8000-000000000000']);
      expect((await call(`/v1/jobs?cursor=${valid}`)).status).toBe(200);
      const bySize = cursor(['sizeBytes', '1024', '00000000-0000-4000-8000-000000000000']);
      expect((await call(`/v1/images?sort=sizeBytes&cursor=${bySize}`)).status).toBe(200);
    });
  });

  describe('path parameters', () => {
    it.each([
      ['POST', '/v1/images/00000000-0000-4000-8000-000000000000/replications/x/targets/y/retry'],
      [
        'POST',
        '/v1/images/not-a-uuid/replications/00000000-0000-4000-8000-000000000000/targets/00000000-0000-4000-8000-000000000000/retry',
      ],
      ['PATCH', '/v1/providers/a%00b'],
      ['DELETE', '/v1/providers/a%00b'],
      ['POST', '/v1/providers/a%00b/sync'],
    ])('answers %s %s with a 404, like /v1/jobs/not-a-uuid', async (method, path) => {
      const body = method === 'PATCH' ? {} : undefined;
      expectProblem(await call(path, { method, body }), 404);
    });

    it('answers a URL that is not valid percent-encoding with a 400', async () => {
      expectProblem(await call('/v1/images/%E0%A4%A'), 400);
    });

    it('takes a path segment up to 1,024 characters and answers a longer one with a 414', async () => {
      expectProblem(await call(`/v1/images/${'a'.repeat(500)}`), 404);
      expectProblem(await call(`/v1/images/${'a'.repeat(1_500)}`), 414);
    });
  });

  describe("what Node's HTTP parser refuses", () => {
    it.each([
      ['a malformed request line', 'GARBAGE\r\n\r\n', false],
      ['an unknown method', `FOO /v1/images HTTP/1.1\r\nHost: x\r\n\r\n`, false],
      [
        'a Content-Length that is not a number',
        `POST /v1/images HTTP/1.1\r\nHost: x\r\n${AUTH}Content-Length: abc\r\n\r\n{}`,
        false,
      ],
      [
        'two Content-Lengths',
        `POST /v1/images HTTP/1.1\r\nHost: x\r\n${AUTH}Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}`,
        false,
      ],
      [
        'a bad chunk',
        `POST /v1/images HTTP/1.1\r\nHost: x\r\n${AUTH}Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`,
        false,
      ],
      [
        'a body shorter than its Content-Length',
        `POST /v1/images HTTP/1.1\r\nHost: x\r\n${AUTH}Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":1}`,
        true,
      ],
      ['no Host header', 'GET /health/live HTTP/1.1\r\n\r\n', false],
    ])('answers %s with a 400', async (_what, request, halfClose) => {
      expectProblem(await raw(request, halfClose), 400);
    });

    it('answers headers over 16 KiB, and a URL over it, with a 431', async () => {
      expectProblem(await raw(`GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`), 431);
      expectProblem(await raw(`GET /v1/images?q=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`), 431);
    });

    it('stays up through all of it', async () => {
      expect((await fetch(`${broker.url}/health/live`)).status).toBe(200);
    });
  });
});
