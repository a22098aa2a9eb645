import { CachedTokenSource, type IssuedToken } from '../../../platform/outbound-http/cached-token-source';
import { bearerTokenSource } from '../../../platform/outbound-http/static-header-source';
import type { BearerAuth, NscaleConnection, OAuth2ClientCredentialsAuth } from '../../connections/provider-connection.types';
import { extractProviderMessage } from '../../../platform/outbound-http/provider-error-message';
import { type AuthHeaderSource, ProviderHttpClient } from '../../../platform/outbound-http/provider-http-client';
import { ProviderAuthError, ProviderProtocolError, ProviderRejectedError } from '../../../platform/errors/provider.errors';
import type { TokenSourceOptions } from '../shared/connection-http-client';

/**
 * OAuth2 error codes of a token endpoint that mean "these credentials will not do"
 * (RFC 6749 §5.2); the rest (invalid_request, unsupported_grant_type) mean the
 * request itself is wrong.
 */
const CREDENTIAL_ERRORS: ReadonlySet<string> = new Set([
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'invalid_scope',
  'access_denied',
]);

export type OAuth2ClientCredentialsOptions = TokenSourceOptions;

interface TokenResponseBody {
  access_token?: unknown;
  token_type?: unknown;
  expires_in?: unknown;
}

/**
 * The OAuth2 client-credentials grant (RFC 6749 §4.4): `grant_type=client_credentials`
 * posted as a form to `tokenUrl`, the client authenticating with HTTP Basic
 * (§2.3.1). The token is cached and renewed shortly before `expires_in` runs out
 * or after invalidate() (the HTTP client calls it on a 401); concurrent callers
 * share one in-flight token request.
 */
export class OAuth2ClientCredentialsSource implements AuthHeaderSource {
  private readonly client: ProviderHttpClient;
  private readonly now: () => number;
  private readonly basicCredentials: string;
  private readonly tokens: CachedTokenSource;

  constructor(
    private readonly auth: OAuth2ClientCredentialsAuth,
    private readonly options: OAuth2ClientCredentialsOptions,
  ) {
    this.client = new ProviderHttpClient({ ...options.http, provider: options.provider, baseUrl: auth.tokenUrl });
    this.now = options.now ?? Date.now;
    this.basicCredentials = basicCredentials(auth.clientId, auth.clientSecret);
    this.tokens = new CachedTokenSource(() => this.fetchToken(), options);
  }

  async headers(): Promise<Record<string, string>> {
    return { Authorization: `Bearer ${await this.tokens.token()}` };
  }

  invalidate(): void {
    this.tokens.invalidate();
  }

  private async fetchToken(): Promise<IssuedToken> {
    // Timed from before the request: the server's clock starts no later than this.
    const requestedAt = this.now();
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (this.auth.scope) form.set('scope', this.auth.scope);
    const response = await this.client.request<TokenResponseBody>({
      method: 'POST',
      path: this.auth.tokenUrl,
      headers: { authorization: `Basic ${this.basicCredentials}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      // RFC 6749 §5.2 errors are 400 or 401; read them here to tell refused credentials from a bad request.
      expectedStatus: [400, 401],
      // Issuing a token has no side effect worth protecting; retrying it is safe.
      retryNonIdempotent: true,
    });
    if (response.status !== 200) throw this.tokenError(response.status, response.text);
    return this.readToken(response.body, requestedAt, response.status);
  }

  private readToken(body: TokenResponseBody | undefined, requestedAt: number, status: number): IssuedToken {
    const token = body?.access_token;
    if (typeof token !== 'string' || token === '') {
      throw this.protocolError('issued no access_token', status);
    }
    const type = body?.token_type;
    // token_type is required by RFC 6749 §5.1, but a server leaving it out still means Bearer in practice.
    if (type !== undefined && (typeof type !== 'string' || type.toLowerCase() !== 'bearer')) {
      throw this.protocolError(`issued a '${String(type)}' token; only Bearer tokens are supported`, status);
    }
    return { token, issuedAtMs: requestedAt, lifetimeMs: lifetimeMs(body?.expires_in) };
  }

  private tokenError(status: number, text: string): Error {
    const body = parseJson(text);
    const code = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
    const reason = extractProviderMessage(body ?? text);
    const message = this.redact(
      `Provider '${this.options.provider}' token endpoint answered ${status} to POST ${new URL(this.auth.tokenUrl).pathname}` +
        (reason ? `: ${reason}` : ''),
    );
    const refused = status === 401 || (typeof code === 'string' && CREDENTIAL_ERRORS.has(code));
    return refused
      ? new ProviderAuthError(this.options.provider, message, status)
      : new ProviderRejectedError(this.options.provider, message, status);
  }

  private protocolError(detail: string, status: number): ProviderProtocolError {
    return new ProviderProtocolError(
      this.options.provider,
      `Provider '${this.options.provider}' token endpoint ${detail}`,
      status,
    );
  }

  /** Defence in depth: a token endpoint echoing the secret back must not put it in an error message. */
  private redact(message: string): string {
    return [this.auth.clientSecret, this.basicCredentials]
      .filter((secret) => secret.length >= 8)
      .reduce((text, secret) => text.split(secret).join('[redacted]'), message);
  }
}

/**
 * RFC 6749 §2.3.1: client id and secret are each form-urlencoded, then joined
 * with ':' and base64-encoded, so a ':' or non-ASCII character in either survives.
 */
export function basicCredentials(clientId: string, clientSecret: string): string {
  return Buffer.from(`${formEncode(clientId)}:${formEncode(clientSecret)}`, 'utf8').toString('base64');
}

/** `expires_in` seconds (a numeric string accepted) in ms; Infinity when absent or unreadable. */
function lifetimeMs(expiresIn: unknown): number {
  const seconds = typeof expiresIn === 'string' ? Number(expiresIn) : expiresIn;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) return Number.POSITIVE_INFINITY;
  return seconds * 1000;
}

function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The auth source an nscale connection's config asks for. */
export function createNscaleAuthSource(
  conn: Pick<NscaleConnection, 'name' | 'auth'>,
  http?: OAuth2ClientCredentialsOptions['http'],
): AuthHeaderSource {
  const auth: BearerAuth | OAuth2ClientCredentialsAuth = conn.auth;
  return auth.type === 'bearer'
    ? bearerTokenSource(auth.token)
    : new OAuth2ClientCredentialsSource(auth, { provider: conn.name, http });
}
