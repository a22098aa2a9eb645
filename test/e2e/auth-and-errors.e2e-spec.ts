import { ADMIN_SECRET, BrokerProcess, READER_SECRET } from '../../harness/broker-process';

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: Array<{ field: string; message: string }>;
}

describe('API keys, scopes and problem+json errors', () => {
  let broker: BrokerProcess;

  beforeAll(async () => {
    broker = await BrokerProcess.start({ label: 'auth' });
  });
  afterAll(async () => {
    await broker?.stop();
  });

  function expectProblem(res: { status: number; headers: Headers; body: unknown }, status: number): Problem {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const body = res.body as Problem;
    expect(body).toMatchObject({ status, type: expect.stringMatching(/^https:\/\//), title: expect.any(String) });
    expect(typeof body.detail).toBe('string');
    return body;
  }

  it('answers 401 problem+json without a key, with a WWW-Authenticate challenge', async () => {
    const res = await broker.api('/v1/images', { secret: null });
    expectProblem(res, 401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('answers 401 for a key it does not know', async () => {
    expectProblem(await broker.api('/v1/images', { secret: 'not-a-real-secret-000000000' }), 401);
  });

  it('answers 403 naming the missing scope when a read-only key asks for a sync', async () => {
    const body = expectProblem(
      await broker.api('/v1/providers/any/sync', { method: 'POST', secret: READER_SECRET }),
      403,
    );
    expect(body.detail).toContain('jobs:write');
  });

  it('lets an admin key use every scope', async () => {
    expect((await broker.api('/v1/images', { secret: ADMIN_SECRET })).status).toBe(200);
  });

  it('stores only hashes of the API keys', async () => {
    const { connectDatabase } = await import('../../harness/isolated-resources');
    const db = await connectDatabase(broker.databaseUrl);
    try {
      const rows = await db.query<{ id: string; secret_hash: string }>(
        'SELECT id, secret_hash FROM api_keys ORDER BY id',
      );
      expect(rows.rows.map((r) => r.id)).toEqual(['admin', 'reader', 'writer']);
      for (const row of rows.rows) {
        expect(row.secret_hash).toMatch(/^[0-9a-f]{64}$/);
        expect(row.secret_hash).not.toContain('secret');
      }
    } finally {
      await db.end();
    }
  });

  it('answers problem+json 404 for an unknown route, even without a key', async () => {
    expectProblem(await broker.api('/v1/no-such-thing', { secret: null }), 404);
    expectProblem(await broker.api('/nothing/here'), 404);
  });

  it('answers 404 for an unknown image and an unknown job', async () => {
    expectProblem(await broker.api('/v1/images/00000000-0000-4000-8000-000000000000'), 404);
    expectProblem(await broker.api('/v1/jobs/not-a-uuid'), 404);
  });

  it('answers 404 when syncing a provider that does not exist', async () => {
    const body = expectProblem(await broker.api('/v1/providers/ghost/sync', { method: 'POST' }), 404);
    expect(body.detail).toContain('ghost');
  });

  it('refuses an unknown query parameter with a 400 that names it, every time it is asked', async () => {
    for (let attempt = 0; attempt < 2; attempt++) {
      const body = expectProblem(await broker.api('/v1/images?colour=blue'), 400);
      expect(body.errors).toEqual([{ field: 'colour', message: 'colour is not a known field' }]);
    }
  });

  it('refuses an out-of-range limit and an unknown sort with the field named', async () => {
    const body = expectProblem(await broker.api('/v1/images?limit=501&sort=colour'), 400);
    expect(body.errors?.map((e) => e.field).sort()).toEqual(['limit', 'sort']);
  });

  it('refuses a cursor it did not issue, and a cursor of another sort', async () => {
    expect(expectProblem(await broker.api('/v1/images?cursor=garbage'), 400).errors?.[0].field).toBe('cursor');
    const foreign = Buffer.from(JSON.stringify(['-createdAt', null, 'x'])).toString('base64url');
    expect(expectProblem(await broker.api(`/v1/images?sort=name&cursor=${foreign}`), 400).errors?.[0].field).toBe(
      'cursor',
    );
  });

  it('refuses an unknown field in a body with a 400 that names it', async () => {
    const body = expectProblem(
      await broker.api('/v1/providers/x/sync', { method: 'POST', body: { surprise: true } }),
      400,
    );
    expect(body.errors).toEqual([{ field: 'surprise', message: 'surprise is not a known field' }]);
  });

  it('answers malformed JSON with a 400 problem', async () => {
    expectProblem(await broker.api('/v1/providers/x/sync', { method: 'POST', body: '{"broken":' }), 400);
  });

  it('answers 503 naming SECRETS_KEY when connections cannot be stored encrypted', async () => {
    const body = expectProblem(
      await broker.api('/v1/providers', {
        method: 'POST',
        body: {
          name: 'g',
          kind: 'genesis-cloud',
          endpoint: 'https://api.example',
          auth: { type: 'bearer', token: 't' },
        },
      }),
      503,
    );
    expect(body.detail).toContain('SECRETS_KEY');
  });

  it('serves the health probes, the spec and the docs without a key', async () => {
    expect((await broker.api('/health/live', { secret: null })).status).toBe(200);
    const ready = await broker.api<{ checks: Record<string, string> }>('/health/ready', { secret: null });
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({ postgres: 'up', redis: 'up' });
    expect((await broker.api('/openapi.json', { secret: null })).status).toBe(200);
    const docs = await fetch(`${broker.url}/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger');
  });
});
