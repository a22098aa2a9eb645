import { bearerTokenSource, StaticHeaderSource } from '../../../platform/outbound-http/static-header-source';
import type { OAuth2ClientCredentialsAuth } from '../../connections/provider-connection.types';
import { replyJson, type ScriptedReply, ScriptedHttpServer } from '../../../platform/outbound-http/testing/scripted-http-server';
import { ProviderAuthError, ProviderProtocolError, ProviderRejectedError } from '../../../platform/errors/provider.errors';
import { basicCredentials, createNscaleAuthSource, OAuth2ClientCredentialsSource } from './oauth2-client-credentials';

describe('a static bearer token', () => {
  it('sends the configured token as a Bearer Authorization header', async () => {
    await expect(bearerTokenSource('abc').headers()).resolves.toEqual({ Authorization: 'Bearer abc' });
  });
});

describe('basicCredentials', () => {
  it('form-encodes id and secret before base64, as RFC 6749 §2.3.1 asks', () => {
    const decoded = Buffer.from(basicCredentials('client:1', 'p@ss word/é'), 'base64').toString('utf8');
    expect(decoded).toBe('client%3A1:p%40ss+word%2F%C3%A9');
  });
});

describe('OAuth2ClientCredentialsSource', () => {
  let identity: ScriptedHttpServer;
  let now: number;
  let issued: number;

  beforeAll(async () => (identity = await ScriptedHttpServer.start()));
  afterAll(() => identity.close());
  beforeEach(() => {
    identity.reset();
    now = Date.parse('2025-10-01T08:00:00Z');
    issued = 0;
  });

  /** A token response as RFC 6749 §5.1 and unikorn's identity service give it. */
  const issueToken =
    (expiresIn: number | null = 3600): ScriptedReply =>
    (req, res, request) =>
      replyJson(
        200,
        {
          access_token: `tok-${++issued}`,
          token_type: 'Bearer',
          ...(expiresIn === null ? {} : { expires_in: expiresIn }),
        },
        { 'cache-control': 'no-store' },
      )(req, res, request);

  function source(extra: Partial<OAuth2ClientCredentialsAuth> = {}): OAuth2ClientCredentialsSource {
    return new OAuth2ClientCredentialsSource(
      {
        type: 'oauth2-client-credentials',
        tokenUrl: `${identity.url}/oauth2/v2/token`,
        clientId: 'image-broker',
        clientSecret: 'client-s3cret',
        ...extra,
      },
      { provider: 'nscale-eu', now: () => now, http: { sleep: async () => undefined } },
    );
  }

  it('posts grant_type=client_credentials as a form with HTTP Basic client authentication', async () => {
    identity.otherwise(issueToken());

    await expect(source({ scope: 'images:read' }).headers()).resolves.toEqual({ Authorization: 'Bearer tok-1' });

    const [request] = identity.requests;
    expect(request).toMatchObject({ method: 'POST', url: '/oauth2/v2/token' });
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request.headers.authorization).toBe(`Basic ${Buffer.from('image-broker:client-s3cret').toString('base64')}`);
    expect(Object.fromEntries(new URLSearchParams(request.body))).toEqual({
      grant_type: 'client_credentials',
      scope: 'images:read',
    });
  });

  it('sends no scope when none is configured, and never the secret in the body', async () => {
    identity.otherwise(issueToken());

    await source().headers();

    expect(identity.requests[0].body).toBe('grant_type=client_credentials');
  });

  it('reuses the cached token for every call while it is fresh', async () => {
    identity.otherwise(issueToken());
    const tokens = source();

    await tokens.headers();
    await tokens.headers();
    now += 30 * 60_000;
    await expect(tokens.headers()).resolves.toEqual({ Authorization: 'Bearer tok-1' });

    expect(identity.requests).toHaveLength(1);
  });

  it('renews the token a minute before expires_in runs out, not after', async () => {
    identity.otherwise(issueToken(3600));
    const tokens = source();

    await tokens.headers();
    now += 3600_000 - 60_001;
    await expect(tokens.headers()).resolves.toEqual({ Authorization: 'Bearer tok-1' });
    now += 2;
    await expect(tokens.headers()).resolves.toEqual({ Authorization: 'Bearer tok-2' });

    expect(identity.requests).toHaveLength(2);
  });

  it('uses a token shorter-lived than the margin for half its life', async () => {
    identity.otherwise(issueToken(60));
    const tokens = source();

    await tokens.headers();
    now += 29_000;
    await expect(tokens.headers()).resolves.toEqual({ Authorization: 'Bearer tok-1' });
    now += 2_000;
    await expect(tokens.headers()).resolves.toEqual({ Authorization: 'Bearer tok-2' });
  });

  it('keeps a token without expires_in until a 401 invalidates it', async () => {
    identity.otherwise(issueToken(null));
    const tokens = source();

    await tokens.headers();
    now += 365 * 86_400_000;
    await expect(tokens.headers()).resolves.toEqual({ Authorization: 'Bearer tok-1' });
  });

  it('fetches a new token after invalidate(), which the HTTP client calls on a 401', async () => {
    identity.otherwise(issueToken());
    const tokens = source();

    await tokens.headers();
    tokens.invalidate();

    await expect(tokens.headers()).resolves.toEqual({ Authorization: 'Bearer tok-2' });
  });

  it('lets concurrent callers share one in-flight token request', async () => {
    identity.otherwise(issueToken());
    const tokens = source();

    const all = await Promise.all([tokens.headers(), tokens.headers(), tokens.headers(), tokens.headers()]);

    expect(all.map((h) => h.Authorization)).toEqual(Array(4).fill('Bearer tok-1'));
    expect(identity.requests).toHaveLength(1);
  });

  it('retries a token request through a 503 and a 429', async () => {
    identity.reply(replyJson(503, {}), replyJson(429, {}, { 'retry-after': '0' }), issueToken());

    await expect(source().headers()).resolves.toEqual({ Authorization: 'Bearer tok-1' });
    expect(identity.requests).toHaveLength(3);
  });

  it('lets the next caller try again after a failed token request', async () => {
    identity.reply(
      replyJson(401, { error: 'invalid_client', error_description: 'client authentication failed' }),
      issueToken(),
    );
    const tokens = source();

    await expect(tokens.headers()).rejects.toBeInstanceOf(ProviderAuthError);
    await expect(tokens.headers()).resolves.toEqual({ Authorization: 'Bearer tok-1' });
  });

  it('reports refused client credentials as ProviderAuthError with the error, description and trace_id, not the secret', async () => {
    identity.otherwise(
      replyJson(401, {
        error: 'invalid_client',
        error_description: 'client authentication failed',
        trace_id: '57bc14d9bd461f0b5a72db830149b67a',
      }),
    );

    const error = await source()
      .headers()
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ProviderAuthError);
    expect((error as ProviderAuthError).upstreamStatus).toBe(401);
    expect((error as Error).message).toBe(
      "Provider 'nscale-eu' token endpoint answered 401 to POST /oauth2/v2/token: " +
        'invalid_client: client authentication failed (trace_id 57bc14d9bd461f0b5a72db830149b67a)',
    );
    expect((error as Error).message).not.toContain('client-s3cret');
  });

  it('treats a 400 invalid_client (unikorn’s status for it) as refused credentials too', async () => {
    identity.otherwise(
      replyJson(400, { error: 'invalid_client', error_description: 'client_id is invalid', trace_id: 't-1' }),
    );

    await expect(source().headers()).rejects.toBeInstanceOf(ProviderAuthError);
  });

  it('reports an unsupported grant as ProviderRejectedError: the request, not the credentials, is wrong', async () => {
    identity.otherwise(
      replyJson(400, {
        error: 'unsupported_grant_type',
        error_description: 'token grant type is not supported',
        trace_id: 't-2',
      }),
    );

    const error = await source()
      .headers()
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ProviderRejectedError);
    expect((error as Error).message).toContain('(trace_id t-2)');
  });

  it('redacts a secret the token endpoint echoes back', async () => {
    identity.otherwise(replyJson(401, { error: 'invalid_client', error_description: 'bad secret client-s3cret' }));

    const error = await source()
      .headers()
      .catch((e: unknown) => e);

    expect((error as Error).message).toContain('bad secret [redacted]');
  });

  it.each([
    ['no access_token', { token_type: 'Bearer', expires_in: 60 }],
    ['a token type other than Bearer', { access_token: 'x', token_type: 'mac', expires_in: 60 }],
  ])('reports a 200 with %s as a protocol error', async (_case, body) => {
    identity.otherwise(replyJson(200, body));

    await expect(source().headers()).rejects.toBeInstanceOf(ProviderProtocolError);
  });
});

describe('createNscaleAuthSource', () => {
  it('picks the source the connection config names', () => {
    expect(createNscaleAuthSource({ name: 'a', auth: { type: 'bearer', token: 't' } })).toBeInstanceOf(
      StaticHeaderSource,
    );
    expect(
      createNscaleAuthSource({
        name: 'b',
        auth: {
          type: 'oauth2-client-credentials',
          tokenUrl: 'https://id.example/oauth2/v2/token',
          clientId: 'c',
          clientSecret: 's',
        },
      }),
    ).toBeInstanceOf(OAuth2ClientCredentialsSource);
  });
});
