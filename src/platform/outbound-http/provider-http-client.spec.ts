import {
  ProviderAuthError,
  ProviderNotFoundError,
  ProviderProtocolError,
  ProviderRejectedError,
  ProviderUnavailableError,
} from '../errors/provider.errors';
import { extractProviderMessage } from './provider-error-message';
import { Readable } from 'node:stream';
import {
  type AuthHeaderSource,
  ProviderHttpClient,
  type ProviderHttpClientOptions,
  type RequestBody,
} from './provider-http-client';
import { dropConnection, neverAnswer, replyJson, replyText, ScriptedHttpServer } from './testing/scripted-http-server';

describe('ProviderHttpClient', () => {
  let server: ScriptedHttpServer;
  let delays: number[];

  beforeAll(async () => (server = await ScriptedHttpServer.start()));
  afterAll(() => server.close());
  beforeEach(() => {
    server.reset();
    delays = [];
  });

  function client(options: Partial<ProviderHttpClientOptions> = {}): ProviderHttpClient {
    return new ProviderHttpClient({
      provider: 'test-cloud',
      baseUrl: server.url,
      sleep: async (ms) => void delays.push(ms),
      random: () => 0.5,
      ...options,
    });
  }

  const failureOf = (promise: Promise<unknown>) =>
    promise.then(
      () => new Error('expected the request to fail'),
      (error: unknown) => error,
    );

  describe('retries', () => {
    it('retries a GET through 503s with jittered exponential backoff and returns the eventual answer', async () => {
      server.reply(replyJson(503, {}), replyJson(503, {}), replyJson(200, { images: [] }));

      const response = await client().request<{ images: unknown[] }>({ method: 'GET', path: '/v2/images' });

      expect(response.status).toBe(200);
      expect(response.body).toEqual({ images: [] });
      expect(server.requests).toHaveLength(3);
      expect(delays).toEqual([100, 200]);
    });

    it("waits as long as a 429's Retry-After (seconds) asks", async () => {
      server.reply(replyJson(429, {}, { 'retry-after': '2' }), replyJson(200, {}));

      await client().request({ method: 'GET', path: '/x' });

      expect(delays).toEqual([2000]);
    });

    it('honours a Retry-After given as an HTTP-date', async () => {
      const inFiveSeconds = new Date(Date.now() + 5000).toUTCString();
      server.reply(replyJson(503, {}, { 'retry-after': inFiveSeconds }), replyJson(200, {}));

      await client().request({ method: 'GET', path: '/x' });

      expect(delays[0]).toBeGreaterThan(3000);
      expect(delays[0]).toBeLessThanOrEqual(5000);
    });

    it('caps a Retry-After longer than three times maxDelayMs', async () => {
      server.reply(replyJson(503, {}, { 'retry-after': '3600' }), replyJson(200, {}));

      await client({ maxDelayMs: 1000 }).request({ method: 'GET', path: '/x' });

      expect(delays).toEqual([3000]);
    });

    it('retries after the provider drops the connection', async () => {
      server.reply(dropConnection(), dropConnection(), replyJson(200, { ok: true }));

      const response = await client().request({ method: 'GET', path: '/x' });

      expect(response.body).toEqual({ ok: true });
      expect(delays).toHaveLength(2);
    });

    it('times out a stalled attempt and tries again', async () => {
      server.reply(neverAnswer(), replyJson(200, { ok: true }));

      const response = await client({ timeoutMs: 100 }).request({ method: 'GET', path: '/x' });

      expect(response.body).toEqual({ ok: true });
      expect(server.requests).toHaveLength(2);
    });

    it('gives up after maxRetries with ProviderUnavailableError carrying the last status', async () => {
      server.otherwise(replyJson(503, { message: 'maintenance' }));

      const error = await failureOf(client({ maxRetries: 2 }).request({ method: 'GET', path: '/v2/images' }));

      expect(error).toBeInstanceOf(ProviderUnavailableError);
      expect(error).toMatchObject({ provider: 'test-cloud', upstreamStatus: 503, transient: true });
      expect((error as Error).message).toContain('maintenance');
      expect(server.requests).toHaveLength(3);
    });

    it('reports a provider that never answers as unavailable, naming the timeout', async () => {
      server.otherwise(neverAnswer());

      const error = await failureOf(client({ timeoutMs: 50, maxRetries: 1 }).request({ method: 'GET', path: '/x' }));

      expect(error).toBeInstanceOf(ProviderUnavailableError);
      expect((error as Error).message).toContain('timed out after 50 ms');
      expect(server.requests).toHaveLength(2);
    });

    it('does not replay a POST, which might have been done already', async () => {
      server.otherwise(replyJson(503, {}));

      const error = await failureOf(client().request({ method: 'POST', path: '/v2/images', json: { name: 'a' } }));

      expect(error).toBeInstanceOf(ProviderUnavailableError);
      expect(server.requests).toHaveLength(1);
    });

    it('replays a POST when the caller says it is safe', async () => {
      server.reply(replyJson(502, {}), replyJson(201, { id: 'x' }));

      const response = await client().request({ method: 'POST', path: '/t', json: {}, retryNonIdempotent: true });

      expect(response.status).toBe(201);
      expect(server.requests).toHaveLength(2);
    });

    it('does not retry 4xx answers', async () => {
      server.otherwise(replyJson(400, {}));

      await failureOf(client().request({ method: 'GET', path: '/x' }));

      expect(server.requests).toHaveLength(1);
    });

    it("stops at once when the caller's signal aborts, with the caller's reason", async () => {
      server.otherwise(neverAnswer());
      const controller = new AbortController();
      const reason = new Error('shutting down');
      setTimeout(() => controller.abort(reason), 50);

      const error = await failureOf(client().request({ method: 'GET', path: '/x', signal: controller.signal }));

      expect(error).toBe(reason);
      expect(server.requests).toHaveLength(1);
    });
  });

  describe('authentication', () => {
    function tokenSource(tokens: string[]): AuthHeaderSource & { invalidations: number } {
      let current = 0;
      return {
        invalidations: 0,
        headers: async () => ({ 'X-Auth-Token': tokens[Math.min(current, tokens.length - 1)] }),
        invalidate() {
          this.invalidations++;
          current++;
        },
      };
    }

    it("sends the source's headers with every request", async () => {
      server.reply(replyJson(200, {}));

      await client({ authenticate: tokenSource(['token-one-123']) }).request({ method: 'GET', path: '/x' });

      expect(server.requests[0].headers['x-auth-token']).toBe('token-one-123');
    });

    it('after a 401 invalidates the token and retries once with a fresh one', async () => {
      const source = tokenSource(['expired-token-1', 'fresh-token-22']);
      server.reply(replyJson(401, {}), replyJson(200, { ok: true }));

      const response = await client({ authenticate: source }).request({ method: 'GET', path: '/x' });

      expect(response.body).toEqual({ ok: true });
      expect(source.invalidations).toBe(1);
      expect(server.requests.map((r) => r.headers['x-auth-token'])).toEqual(['expired-token-1', 'fresh-token-22']);
      expect(delays).toEqual([]);
    });

    it('re-authenticates a POST too, since a 401 means nothing was done', async () => {
      server.reply(replyJson(401, {}), replyJson(201, {}));

      const response = await client({ authenticate: tokenSource(['a-token-111', 'b-token-222']) }).request({
        method: 'POST',
        path: '/v2/images',
        json: {},
      });

      expect(response.status).toBe(201);
    });

    it('raises ProviderAuthError when the fresh token is refused too, without leaking it', async () => {
      const source = tokenSource(['secret-token-A', 'secret-token-B']);
      server.otherwise((req, res) => {
        res.writeHead(401, { 'content-type': 'application/json' });
        // A provider that echoes the credential back must not put it in our error.
        res.end(JSON.stringify({ error: { code: 401, message: `Token ${req.headers['x-auth-token']} is invalid` } }));
      });

      const error = await failureOf(client({ authenticate: source }).request({ method: 'GET', path: '/x' }));

      expect(error).toBeInstanceOf(ProviderAuthError);
      expect(server.requests).toHaveLength(2);
      expect(source.invalidations).toBe(1);
      expect((error as Error).message).toContain('Token [redacted] is invalid');
      expect((error as Error).message).not.toContain('secret-token');
    });

    it("never sends credentials to an origin other than the connection's", async () => {
      const elsewhere = await ScriptedHttpServer.start();
      try {
        elsewhere.reply(replyJson(200, {}));
        await client({ authenticate: tokenSource(['do-not-share-me']) }).request({
          method: 'GET',
          path: `${elsewhere.url}/blob`,
        });
        expect(elsewhere.requests[0].headers['x-auth-token']).toBeUndefined();
      } finally {
        await elsewhere.close();
      }
    });
  });

  describe('error mapping', () => {
    it('maps 403 to ProviderAuthError', async () => {
      server.reply(replyJson(403, { error: { code: 403, title: 'Forbidden', message: 'Policy does not allow' } }));

      const error = await failureOf(client().request({ method: 'DELETE', path: '/v2/images/1' }));

      expect(error).toBeInstanceOf(ProviderAuthError);
      expect((error as Error).message).toContain('Policy does not allow');
    });

    it('maps 404 to ProviderNotFoundError', async () => {
      server.reply(replyText(404, '404 Not Found\n\nNo image found with ID abc'));

      const error = await failureOf(client().request({ method: 'GET', path: '/v2/images/abc' }));

      expect(error).toBeInstanceOf(ProviderNotFoundError);
      expect((error as Error).message).toContain('No image found with ID abc');
    });

    it("maps other 4xx to ProviderRejectedError with the provider's own reason, method and path", async () => {
      server.reply(replyJson(409, { code: 'Conflict', message: 'Image with identifier x already exists' }));

      const error = await failureOf(client().request({ method: 'POST', path: '/v2/images', json: { id: 'x' } }));

      expect(error).toBeInstanceOf(ProviderRejectedError);
      expect(error).toMatchObject({ upstreamStatus: 409, transient: false });
      expect((error as Error).message).toBe(
        "Provider 'test-cloud' answered 409 Conflict to POST /v2/images: Conflict: Image with identifier x already exists",
      );
    });

    it('lets the caller treat a status as an answer rather than an error', async () => {
      server.reply(replyJson(404, { message: 'gone' }));

      const response = await client().request({ method: 'GET', path: '/v2/images/x', expectedStatus: [404] });

      expect(response.status).toBe(404);
      expect(response.body).toEqual({ message: 'gone' });
    });

    it('raises ProviderProtocolError when a success claims JSON but is not', async () => {
      server.reply(replyText(200, '{"images": [', { 'content-type': 'application/json' }));

      const error = await failureOf(client().request({ method: 'GET', path: '/v2/images' }));

      expect(error).toBeInstanceOf(ProviderProtocolError);
    });
  });

  describe('requests', () => {
    it('resolves Glance next links under a base URL that has a path prefix', async () => {
      server.otherwise(replyJson(200, {}));
      const prefixed = client({ baseUrl: `${server.url}/image/` });

      await prefixed.request({ method: 'GET', path: '/v2/images?marker=abc' });
      await prefixed.request({ method: 'GET', path: 'v2/images/1' });
      await prefixed.request({ method: 'GET', path: '/image/v2/images?marker=def' });

      expect(server.requests.map((r) => r.url)).toEqual([
        '/image/v2/images?marker=abc',
        '/image/v2/images/1',
        '/image/v2/images?marker=def',
      ]);
    });

    it('appends query parameters to those already in the path, skipping empty ones', async () => {
      server.reply(replyJson(200, {}));

      await client().request({
        method: 'GET',
        path: '/v2/images?marker=m1',
        query: { limit: 100, sort_key: 'created_at', tag: ['a', 'b'], name: undefined, owner: null },
      });

      expect(server.requests[0].url).toBe('/v2/images?marker=m1&limit=100&sort_key=created_at&tag=a&tag=b');
    });

    it('sends a JSON body with its content type, and lets the caller override the type', async () => {
      server.otherwise(replyJson(200, {}));

      await client().request({ method: 'POST', path: '/a', json: { name: 'alpine' } });
      await client().request({
        method: 'PATCH',
        path: '/b',
        json: [{ op: 'replace', path: '/name', value: 'x' }],
        headers: { 'Content-Type': 'application/openstack-images-v2.1-json-patch' },
      });

      expect(server.requests[0].headers['content-type']).toBe('application/json');
      expect(JSON.parse(server.requests[0].body)).toEqual({ name: 'alpine' });
      expect(server.requests[1].headers['content-type']).toBe('application/openstack-images-v2.1-json-patch');
    });

    it('returns non-JSON answers as text only', async () => {
      server.reply(replyText(200, 'plain words'));

      const response = await client().request({ method: 'GET', path: '/x' });

      expect(response.body).toBeUndefined();
      expect(response.text).toBe('plain words');
    });

    it('streams a body once and never replays it', async () => {
      server.otherwise(replyJson(503, {}));
      async function* chunks() {
        yield new TextEncoder().encode('image-');
        yield new TextEncoder().encode('bytes');
      }

      const error = await failureOf(client().request({ method: 'PUT', path: '/v2/images/1/file', body: chunks() }));

      expect(error).toBeInstanceOf(ProviderUnavailableError);
      expect(server.requests).toHaveLength(1);
      expect(server.requests[0].body).toBe('image-bytes');
    });

    it('retries a body opened afresh for each attempt, and ends each one', async () => {
      server.reply(replyJson(503, {}), replyJson(200, {}));
      const opened: Array<{ retryNumber: number; body: Readable }> = [];
      const openBody = async (retryNumber: number) => {
        const body = Readable.from([Buffer.from(`try-${retryNumber}`)]);
        opened.push({ retryNumber, body });
        return body as unknown as RequestBody;
      };

      const response = await client().request({ method: 'PUT', path: '/v2/images/1/file', openBody });

      expect(response.status).toBe(200);
      expect(server.requests.map((r) => r.body)).toEqual(['try-0', 'try-1']);
      expect(opened.map((o) => o.retryNumber)).toEqual([0, 1]);
      expect(opened.every((o) => o.body.destroyed)).toBe(true);
    });

    it('lets a typed error from opening a body through as it is, whatever its message says', async () => {
      const refused = new ProviderUnavailableError('test-cloud', 'GET /v2/images/1 failed: fetch failed');
      const openBody = jest.fn(async () => {
        throw refused;
      });

      const error = await failureOf(client().request({ method: 'PUT', path: '/v2/images/1/file', openBody }));

      expect(error).toBe(refused);
      expect(openBody).toHaveBeenCalledTimes(1);
      expect(server.requests).toHaveLength(0);
    });
  });
});

describe('extractProviderMessage', () => {
  it.each([
    [
      'Glance/Keystone',
      { error: { code: 400, title: 'Bad Request', message: 'Invalid disk format' } },
      'Invalid disk format',
    ],
    ['plain message', { message: 'quota exceeded' }, 'quota exceeded'],
    ['symbolic code', { code: 'ImageNotFound', message: 'no such image' }, 'ImageNotFound: no such image'],
    ['webob', { code: '400 Bad Request', title: 'Bad Request', message: 'Bad<br /><br />\nvalue' }, 'Bad value'],
    [
      'OAuth2',
      { error: 'invalid_client', error_description: 'Client authentication failed', trace_id: 't-1' },
      'invalid_client: Client authentication failed (trace_id t-1)',
    ],
    ['Nova style', { badRequest: { code: 400, message: 'Invalid input' } }, 'Invalid input'],
    ['error list', { errors: [{ message: 'name is required' }] }, 'name is required'],
    ['HTML page', '<html><body><h1>502 Bad Gateway</h1></body></html>', '502 Bad Gateway'],
  ])('reads the %s shape', (_shape, body, message) => {
    expect(extractProviderMessage(body)).toBe(message);
  });

  it('answers null when there is nothing to read', () => {
    expect(extractProviderMessage({})).toBeNull();
    expect(extractProviderMessage('')).toBeNull();
    expect(extractProviderMessage(undefined)).toBeNull();
  });

  it('keeps messages short', () => {
    expect(extractProviderMessage({ message: 'x'.repeat(2000) })?.length).toBe(500);
  });
});
