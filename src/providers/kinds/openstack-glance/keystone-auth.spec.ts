import type { KeystonePasswordAuth } from '../../connections/provider-connection.types';
import { replyJson, type ScriptedReply, ScriptedHttpServer } from '../../../platform/outbound-http/testing/scripted-http-server';
import { ProviderAuthError, ProviderProtocolError } from '../../../platform/errors/provider.errors';
import { StaticHeaderSource } from '../../../platform/outbound-http/static-header-source';
import { createGlanceAuthSource, KeystoneTokenSource, passwordAuthRequest } from './keystone-auth';

describe('a static X-Auth-Token', () => {
  it('sends the configured token as X-Auth-Token', async () => {
    await expect(new StaticHeaderSource({ 'X-Auth-Token': 'abc' }).headers()).resolves.toEqual({
      'X-Auth-Token': 'abc',
    });
  });
});

describe('passwordAuthRequest', () => {
  const base: KeystonePasswordAuth = { type: 'keystone', authUrl: 'x', username: 'u', password: 'p' };

  it('scopes to a project id, with the Default domain for the user', () => {
    expect(passwordAuthRequest({ ...base, projectId: 'p-1' })).toEqual({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: 'u', domain: { name: 'Default' }, password: 'p' } },
        },
        scope: { project: { id: 'p-1' } },
      },
    });
  });

  it('scopes to a project name within the given domain', () => {
    const body = passwordAuthRequest({ ...base, projectName: 'gpu', domain: 'acme' }) as {
      auth: { scope: unknown; identity: { password: { user: { domain: unknown } } } };
    };
    expect(body.auth.scope).toEqual({ project: { name: 'gpu', domain: { name: 'acme' } } });
    expect(body.auth.identity.password.user.domain).toEqual({ name: 'acme' });
  });
});

describe('KeystoneTokenSource', () => {
  let keystone: ScriptedHttpServer;
  let now: number;
  let issued: number;

  beforeAll(async () => (keystone = await ScriptedHttpServer.start()));
  afterAll(() => keystone.close());
  beforeEach(() => {
    keystone.reset();
    now = Date.parse('2025-10-22T08:00:00Z');
    issued = 0;
  });

  /** Keystone's 201: the token in X-Subject-Token, its expiry in the body. */
  const issueToken =
    (expiresAt = '2025-10-22T09:00:00Z'): ScriptedReply =>
    (req, res, request) =>
      replyJson(
        201,
        { token: { expires_at: expiresAt, methods: ['password'] } },
        { 'x-subject-token': `tok-${++issued}` },
      )(req, res, request);

  function source(): KeystoneTokenSource {
    return new KeystoneTokenSource(
      { type: 'keystone', authUrl: `${keystone.url}/v3`, username: 'admin', password: 's3cret', projectId: 'p-1' },
      { provider: 'vietnix', now: () => now, http: { sleep: async () => undefined } },
    );
  }

  it('posts password credentials to {authUrl}/auth/tokens and sends the subject token', async () => {
    keystone.otherwise(issueToken());

    await expect(source().headers()).resolves.toEqual({ 'X-Auth-Token': 'tok-1' });

    expect(keystone.requests[0]).toMatchObject({ method: 'POST', url: '/v3/auth/tokens' });
    expect(JSON.parse(keystone.requests[0].body).auth.identity.password.user).toEqual({
      name: 'admin',
      domain: { name: 'Default' },
      password: 's3cret',
    });
  });

  it('reuses the token until a minute before it expires', async () => {
    keystone.otherwise(issueToken('2025-10-22T09:00:00Z'));
    const tokens = source();

    await tokens.headers();
    now = Date.parse('2025-10-22T08:58:59Z');
    await expect(tokens.headers()).resolves.toEqual({ 'X-Auth-Token': 'tok-1' });
    now = Date.parse('2025-10-22T08:59:01Z');
    await expect(tokens.headers()).resolves.toEqual({ 'X-Auth-Token': 'tok-2' });

    expect(keystone.requests).toHaveLength(2);
  });

  it('fetches a new token after invalidate()', async () => {
    keystone.otherwise(issueToken());
    const tokens = source();

    await tokens.headers();
    tokens.invalidate();

    await expect(tokens.headers()).resolves.toEqual({ 'X-Auth-Token': 'tok-2' });
  });

  it('lets concurrent callers share one token request', async () => {
    keystone.otherwise(issueToken());
    const tokens = source();

    const all = await Promise.all([tokens.headers(), tokens.headers(), tokens.headers()]);

    expect(all.map((h) => h['X-Auth-Token'])).toEqual(['tok-1', 'tok-1', 'tok-1']);
    expect(keystone.requests).toHaveLength(1);
  });

  it('retries a token request through a Keystone 503', async () => {
    keystone.reply(replyJson(503, {}), issueToken());

    await expect(source().headers()).resolves.toEqual({ 'X-Auth-Token': 'tok-1' });
  });

  it("reports refused credentials as ProviderAuthError with Keystone's reason but not the password", async () => {
    keystone.otherwise(
      replyJson(401, {
        error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' },
      }),
    );

    const error = await source()
      .headers()
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ProviderAuthError);
    expect((error as Error).message).toContain('requires authentication');
    expect((error as Error).message).not.toContain('s3cret');
  });

  it('reports a 201 without X-Subject-Token as a protocol error', async () => {
    keystone.otherwise(replyJson(201, { token: {} }));

    await expect(source().headers()).rejects.toBeInstanceOf(ProviderProtocolError);
  });
});

describe('createGlanceAuthSource', () => {
  it('picks the source the connection config names', () => {
    expect(createGlanceAuthSource({ name: 'a', auth: { type: 'token', token: 't' } })).toBeInstanceOf(
      StaticHeaderSource,
    );
    expect(
      createGlanceAuthSource({
        name: 'b',
        auth: { type: 'keystone', authUrl: 'https://id.example/v3', username: 'u', password: 'p' },
      }),
    ).toBeInstanceOf(KeystoneTokenSource);
  });
});
