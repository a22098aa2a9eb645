import { StaticHeaderSource } from '../../http/static-header-source';
import type { GlanceConnection, KeystonePasswordAuth } from '../../config/provider-connection.types';
import {
  type AuthHeaderSource,
  ProviderHttpClient,
  type ProviderHttpClientOptions,
} from '../../http/provider-http-client';
import { ProviderProtocolError } from '../../provider-port/provider.errors';

const AUTH_HEADER = 'X-Auth-Token';
const DEFAULT_DOMAIN = 'Default';
/** Refresh this long before Keystone's expires_at, so a token never dies mid-request. */
const DEFAULT_REFRESH_MARGIN_MS = 60_000;

export interface KeystoneTokenSourceOptions {
  /** Connection name, for errors. */
  provider: string;
  /** Client tuning for the token request (tests inject sleep/random/timeouts). */
  http?: Partial<Omit<ProviderHttpClientOptions, 'provider' | 'baseUrl' | 'authenticate'>>;
  refreshMarginMs?: number;
  now?: () => number;
}

interface CachedToken {
  token: string;
  /** Epoch ms after which a new token is fetched; Infinity when Keystone gave no expiry. */
  refreshAt: number;
}

interface KeystoneTokenBody {
  token?: { expires_at?: unknown };
}

/**
 * Keystone v3 password authentication. The token is cached until shortly before
 * it expires; concurrent callers share one in-flight token request so a burst of
 * calls after expiry costs one POST /auth/tokens, not one each.
 */
export class KeystoneTokenSource implements AuthHeaderSource {
  private readonly client: ProviderHttpClient;
  private readonly refreshMarginMs: number;
  private readonly now: () => number;
  private cached: CachedToken | null = null;
  private inFlight: Promise<CachedToken> | null = null;

  constructor(
    private readonly auth: KeystonePasswordAuth,
    private readonly options: KeystoneTokenSourceOptions,
  ) {
    this.client = new ProviderHttpClient({ ...options.http, provider: options.provider, baseUrl: auth.authUrl });
    this.refreshMarginMs = options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS;
    this.now = options.now ?? Date.now;
  }

  async headers(): Promise<Record<string, string>> {
    const cached = this.cached;
    if (cached && this.now() < cached.refreshAt) return { [AUTH_HEADER]: cached.token };
    return { [AUTH_HEADER]: (await this.fetchShared()).token };
  }

  invalidate(): void {
    this.cached = null;
  }

  private fetchShared(): Promise<CachedToken> {
    this.inFlight ??= this.fetchToken()
      .then((token) => (this.cached = token))
      .finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  private async fetchToken(): Promise<CachedToken> {
    const response = await this.client.request<KeystoneTokenBody>({
      method: 'POST',
      path: '/auth/tokens',
      json: passwordAuthRequest(this.auth),
      // Issuing a token has no side effect worth protecting; retrying it is safe.
      retryNonIdempotent: true,
    });
    const token = response.headers.get('x-subject-token');
    if (!token) {
      throw new ProviderProtocolError(
        this.options.provider,
        `Keystone at '${this.options.provider}' issued no X-Subject-Token header`,
        response.status,
      );
    }
    return { token, refreshAt: this.refreshTime(response.body?.token?.expires_at) };
  }

  private refreshTime(expiresAt: unknown): number {
    const expiry = typeof expiresAt === 'string' ? Date.parse(expiresAt) : Number.NaN;
    if (Number.isNaN(expiry)) return Number.POSITIVE_INFINITY;
    const now = this.now();
    // A token shorter-lived than the margin is still used for half its life rather than never.
    return expiry - Math.min(this.refreshMarginMs, Math.max(0, (expiry - now) / 2));
  }
}

/** The Keystone v3 `POST /auth/tokens` body for password auth, project-scoped when a project is set. */
export function passwordAuthRequest(auth: KeystonePasswordAuth): Record<string, unknown> {
  const domain = { name: auth.domain ?? DEFAULT_DOMAIN };
  const project = auth.projectId
    ? { id: auth.projectId }
    : auth.projectName
      ? { name: auth.projectName, domain }
      : null;
  return {
    auth: {
      identity: {
        methods: ['password'],
        password: { user: { name: auth.username, domain, password: auth.password } },
      },
      ...(project ? { scope: { project } } : {}),
    },
  };
}

/** The auth source a Glance connection's config asks for. */
export function createGlanceAuthSource(
  conn: Pick<GlanceConnection, 'name' | 'auth'>,
  http?: KeystoneTokenSourceOptions['http'],
): AuthHeaderSource {
  return conn.auth.type === 'token'
    ? new StaticHeaderSource({ [AUTH_HEADER]: conn.auth.token })
    : new KeystoneTokenSource(conn.auth, { provider: conn.name, http });
}
