import { CachedTokenSource, type IssuedToken } from '../../../platform/outbound-http/cached-token-source';
import { StaticHeaderSource } from '../../../platform/outbound-http/static-header-source';
import type { GlanceConnection, KeystonePasswordAuth } from '../../connections/provider-connection.types';
import { type AuthHeaderSource, ProviderHttpClient } from '../../../platform/outbound-http/provider-http-client';
import { ProviderProtocolError } from '../../../platform/errors/provider.errors';
import type { TokenSourceOptions } from '../shared/connection-http-client';

const AUTH_HEADER = 'X-Auth-Token';
const DEFAULT_DOMAIN = 'Default';

export type KeystoneTokenSourceOptions = TokenSourceOptions;

interface KeystoneTokenBody {
  token?: { expires_at?: unknown; project?: { id?: unknown } };
}

/**
 * Keystone v3 password authentication. The token is cached until shortly before
 * it expires; concurrent callers share one in-flight token request so a burst of
 * calls after expiry costs one POST /auth/tokens, not one each.
 */
export class KeystoneTokenSource implements AuthHeaderSource {
  private readonly client: ProviderHttpClient;
  private readonly now: () => number;
  private readonly tokens: CachedTokenSource;
  /** The project the last token was scoped to, as Keystone stated it (`token.project.id`); null before one. */
  private scopedProject: string | null = null;

  constructor(
    private readonly auth: KeystonePasswordAuth,
    private readonly options: KeystoneTokenSourceOptions,
  ) {
    this.client = new ProviderHttpClient({ ...options.http, provider: options.provider, baseUrl: auth.authUrl });
    this.now = options.now ?? Date.now;
    this.tokens = new CachedTokenSource(() => this.fetchToken(), options);
  }

  async headers(): Promise<Record<string, string>> {
    return { [AUTH_HEADER]: await this.tokens.token() };
  }

  invalidate(): void {
    this.tokens.invalidate();
  }

  /** Known once a token was issued (any call through the client issues one first). */
  projectId(): string | null {
    return this.auth.projectId ?? this.scopedProject;
  }

  private async fetchToken(): Promise<IssuedToken> {
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
    const project = response.body?.token?.project?.id;
    if (typeof project === 'string' && project !== '') this.scopedProject = project;
    const expiresAt = response.body?.token?.expires_at;
    const expiry = typeof expiresAt === 'string' ? Date.parse(expiresAt) : Number.NaN;
    // Keystone states when the token dies, not how long it lives: its life is counted from now.
    const issuedAtMs = this.now();
    return { token, issuedAtMs, lifetimeMs: Number.isNaN(expiry) ? Number.POSITIVE_INFINITY : expiry - issuedAtMs };
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
