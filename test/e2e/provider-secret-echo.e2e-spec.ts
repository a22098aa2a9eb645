import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import IORedis from 'ioredis';
import { BrokerProcess, READER_SECRET } from '../../harness/broker-process';
import { REDIS_URL } from '../../harness/isolated-resources';
import { ScriptedHttpServer, type RecordedRequest } from '../../src/platform/outbound-http/testing/scripted-http-server';

const PROJECT_ID = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
/** Characters that change under URL and form encoding and JSON escaping, so every echoed form differs. */
const PASSWORD = `Pa ss+w/rd&"q"=ü-${randomBytes(6).toString('hex')}`;
const ISSUED_TOKEN = `gAAAAAB-issued-${randomBytes(12).toString('hex')}`;

/** Every form in which a secret may come back from a server that echoes what it was sent. */
function echoedForms(secret: string): string[] {
  return [
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ v: secret }).toString().slice(2),
    JSON.stringify(secret).slice(1, -1),
  ];
}

type Handler = (req: IncomingMessage, res: ServerResponse, request: RecordedRequest) => void;

/** A Keystone refusing the password, echoing the whole request (body and headers) in its error, as some do. */
const keystoneEchoingRefusal: Handler = (_req, res, request) => {
  res.writeHead(401, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      error: {
        code: 401,
        title: 'Unauthorized',
        message:
          `Invalid password ${PASSWORD} (as sent: ${encodeURIComponent(PASSWORD)}; ` +
          `form ${new URLSearchParams({ p: PASSWORD }).toString()}). Request: ${request.body} ` +
          `headers ${JSON.stringify(request.headers)}`,
      },
    }),
  );
};

/** A Keystone that issues a token, and a Glance refusing every call while echoing the headers it got. */
const keystoneIssuing: Handler = (_req, res) => {
  res.writeHead(201, { 'content-type': 'application/json', 'x-subject-token': ISSUED_TOKEN });
  res.end(JSON.stringify({ token: { expires_at: new Date(Date.now() + 3_600_000).toISOString() } }));
};
const glanceEchoingHeaders: Handler = (_req, res, request) => {
  res.writeHead(400, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      message:
        `Bad request with token ${String(request.headers['x-auth-token'])}; ` +
        `retry at https://ops:hunter22@status.example.test/retry?token=zz-upstream-zz&page=2`,
    }),
  );
};

describe('credentials a provider echoes back never leave the broker', () => {
  let server: ScriptedHttpServer;
  let broker: BrokerProcess;
  let keystone: Handler = keystoneEchoingRefusal;
  let glance: Handler = glanceEchoingHeaders;

  async function failedSync(): Promise<{ code: string; message: string }> {
    const { body } = await broker.api<{ id: string }>('/v1/providers/vietnix-hcm/sync', { method: 'POST' });
    await broker.waitForJob(body.id);
    // As a read-only key sees it.
    const job = await broker.api<{ state: string; error: { code: string; message: string } | null }>(
      `/v1/jobs/${body.id}`,
      { secret: READER_SECRET },
    );
    expect(job.body.state).toBe('failed');
    return job.body.error!;
  }

  async function lastError(): Promise<string> {
    const { body } = await broker.api<{ items: Array<{ name: string; lastError: string | null }> }>('/v1/providers', {
      secret: READER_SECRET,
    });
    return body.items.find((p) => p.name === 'vietnix-hcm')?.lastError ?? '';
  }

  /** Every string BullMQ (and so the queue dashboard) holds in Redis for this broker, failedReason included. */
  async function redisStrings(): Promise<{ all: string; failedReasons: string[] }> {
    const redis = new IORedis(REDIS_URL, { maxRetriesPerRequest: 1 });
    try {
      const values: string[] = [];
      const failedReasons: string[] = [];
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${broker.redisPrefix}:*`, 'COUNT', 500);
        cursor = next;
        for (const key of keys) {
          const type = await redis.type(key);
          if (type === 'hash') {
            const hash = await redis.hgetall(key);
            values.push(...Object.values(hash));
            if (hash.failedReason) failedReasons.push(hash.failedReason);
          } else if (type === 'string') {
            values.push((await redis.get(key)) ?? '');
          } else if (type === 'list') {
            values.push(...(await redis.lrange(key, 0, -1)));
          } else if (type === 'zset') {
            values.push(...(await redis.zrange(key, '0', '-1')));
          }
        }
      } while (cursor !== '0');
      return { all: values.join('\n'), failedReasons };
    } finally {
      redis.disconnect();
    }
  }

  function expectNoneOf(text: string, secret: string): void {
    for (const form of echoedForms(secret)) expect(text).not.toContain(form);
  }

  beforeAll(async () => {
    server = await ScriptedHttpServer.start();
    server.otherwise((req, res, request) =>
      (request.url.startsWith('/v3/auth/tokens') ? keystone : glance)(req, res, request),
    );
    broker = await BrokerProcess.start({
      label: 'secret-echo',
      providersYaml: `providers:
  - name: vietnix-hcm
    kind: openstack-glance
    dialect: standard
    endpoint: ${server.url}
    region: hcm1
    maxRetries: 0
    auth:
      type: keystone
      authUrl: ${server.url}/v3
      username: broker
      password: "\${env:KEYSTONE_PASSWORD}"
      projectId: ${PROJECT_ID}
`,
      env: { KEYSTONE_PASSWORD: PASSWORD, SECRETS_KEY: randomBytes(32).toString('base64') },
    });
  });

  afterAll(async () => {
    await broker?.stop();
    await server?.close();
  });

  it('keeps a password a refusing Keystone echoes out of the job error, lastError, the worker log and Redis', async () => {
    keystone = keystoneEchoingRefusal;
    const error = await failedSync();
    // The echo reached the broker (the test is not vacuous)…
    expect(server.requests.some((r) => r.body.includes(JSON.stringify(PASSWORD).slice(1, -1)))).toBe(true);
    expect(error.code).toBe('provider_auth_failed');
    expect(error.message).toContain('[REDACTED]');
    // …and no form of the password left it.
    expectNoneOf(error.message, PASSWORD);
    const stored = await lastError();
    expect(stored).toMatch(/401/);
    expectNoneOf(stored, PASSWORD);
    expect(broker.output).toContain('sync job failed');
    expectNoneOf(broker.output, PASSWORD);
    const redis = await redisStrings();
    expect(redis.failedReasons.some((reason) => /401/.test(reason))).toBe(true);
    expectNoneOf(redis.all, PASSWORD);
  });

  it('keeps a token Keystone issued out of what a Glance echoing the request headers sends back', async () => {
    keystone = keystoneIssuing;
    glance = glanceEchoingHeaders;
    const error = await failedSync();
    expect(server.requests.some((r) => r.headers['x-auth-token'] === ISSUED_TOKEN)).toBe(true);
    expect(error.code).toBe('provider_rejected');
    expectNoneOf(error.message, ISSUED_TOKEN);
    const stored = await lastError();
    expect(stored).toMatch(/400/);
    expectNoneOf(stored, ISSUED_TOKEN);
    // Credentials of URLs in a provider's text (userinfo, ?token=) are scrubbed in lastError too.
    expect(stored).not.toContain('hunter22');
    expect(stored).not.toContain('zz-upstream-zz');
    expectNoneOf(broker.output, ISSUED_TOKEN);
    expectNoneOf((await redisStrings()).all, ISSUED_TOKEN);
  });

  describe('refuses credentials in a connection URL, naming the field and pointing to the auth block', () => {
    const body = (endpoint: string) => ({
      name: 'glance-api',
      kind: 'openstack-glance',
      dialect: 'standard',
      endpoint,
      auth: { type: 'token', token: 'api-static-token-0123' },
    });

    it.each([
      ['userinfo', (url: string) => url.replace('http://', 'http://ops:hunter22@')],
      ['a token in the query string', (url: string) => `${url}/?token=hunter22`],
      ['an access key in the query string', (url: string) => `${url}/?X-Amz-Credential=hunter22`],
    ])('on POST /v1/providers: %s', async (_what, endpointOf) => {
      const res = await broker.api<{ errors: Array<{ field: string; message: string }> }>('/v1/providers', {
        method: 'POST',
        body: body(endpointOf(server.url)),
      });
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e) => e.field)).toContain('endpoint');
      expect(res.body.errors.find((e) => e.field === 'endpoint')?.message).toMatch(/auth block/);
      expect(JSON.stringify(res.body)).not.toContain('hunter22');
    });

    it('on PATCH /v1/providers/{name}, and in a keystone authUrl', async () => {
      expect((await broker.api('/v1/providers', { method: 'POST', body: body(server.url) })).status).toBe(201);
      const patched = await broker.api<{ errors: Array<{ field: string }> }>('/v1/providers/glance-api', {
        method: 'PATCH',
        body: { endpoint: `${server.url}/?access_token=hunter22` },
      });
      expect(patched.status).toBe(400);
      expect(patched.body.errors.map((e) => e.field)).toContain('endpoint');
      const keystoneUrl = await broker.api<{ errors: Array<{ field: string }> }>('/v1/providers/glance-api', {
        method: 'PATCH',
        body: {
          auth: {
            type: 'keystone',
            authUrl: `${server.url.replace('http://', 'http://ops:hunter22@')}/v3`,
            username: 'broker',
            password: 'broker-password',
            projectId: PROJECT_ID,
          },
        },
      });
      expect(keystoneUrl.status).toBe(400);
      expect(keystoneUrl.body.errors.map((e) => e.field)).toContain('auth.authUrl');
    });
  });
});
