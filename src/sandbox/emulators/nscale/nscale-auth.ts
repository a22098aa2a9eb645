import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { NscaleHttpError, SEED_DESCRIPTIONS } from './nscale-errors';

/** A bearer token the emulator accepts, and the organizations its holder belongs to. */
export interface AcceptedToken {
  token: string;
  organizationIds: readonly string[];
  issuedAtMs: number;
  /** Epoch ms from which the token is dead; null never expires (static tokens). */
  expiresAtMs: number | null;
}

/**
 * Static bearer tokens plus access tokens issued by the OAuth2 token endpoint.
 * When nothing at all is configured, any non-empty bearer token is taken as a
 * member of the default organization, so a bare emulator is usable; a missing
 * or malformed Authorization header still gets 401.
 */
export class NscaleTokenRegistry {
  private readonly tokens = new Map<string, AcceptedToken>();
  private issuedCount = 0;

  constructor(
    private readonly now: () => number,
    private readonly fallbackOrganizationIds: readonly string[] | null,
  ) {}

  addStatic(token: string, organizationIds: readonly string[]): void {
    this.tokens.set(token, { token, organizationIds: [...organizationIds], issuedAtMs: this.now(), expiresAtMs: null });
  }

  issue(organizationIds: readonly string[], ttlSeconds: number): AcceptedToken {
    const issuedAtMs = this.now();
    const token = randomBytes(48).toString('base64url');
    const accepted = {
      token,
      organizationIds: [...organizationIds],
      issuedAtMs,
      expiresAtMs: issuedAtMs + ttlSeconds * 1000,
    };
    this.tokens.set(token, accepted);
    this.issuedCount++;
    return accepted;
  }

  /** How many access tokens the token endpoint has issued; lets tests see renewals. */
  issued(): number {
    return this.issuedCount;
  }

  /** The live token, or undefined when unknown, revoked or expired. */
  resolve(token: string | undefined): AcceptedToken | undefined {
    if (!token) return undefined;
    const known = this.tokens.get(token);
    if (known) return known.expiresAtMs !== null && this.now() >= known.expiresAtMs ? undefined : known;
    if (this.fallbackOrganizationIds === null) return undefined;
    return { token, organizationIds: this.fallbackOrganizationIds, issuedAtMs: this.now(), expiresAtMs: null };
  }

  revoke(token: string): boolean {
    return this.tokens.delete(token);
  }

  /** Makes every issued (non-static) token expire now; lets tests force a 401 and a renewal. */
  expireIssuedTokens(): void {
    const now = this.now();
    for (const accepted of this.tokens.values()) {
      if (accepted.expiresAtMs !== null) accepted.expiresAtMs = now;
    }
  }
}

const callers = new WeakMap<FastifyRequest, AcceptedToken>();

/** The authenticated caller; only valid inside `/api/` routes. */
export function caller(request: FastifyRequest): AcceptedToken {
  const accepted = callers.get(request);
  if (accepted === undefined) throw new Error('caller() used on a request that did not go through auth');
  return accepted;
}

/** The seed's oauth2Authentication on every `/api/` route: 401 unless a live bearer token is sent. */
export function installNscaleAuth(app: FastifyInstance, registry: NscaleTokenRegistry): void {
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/')) return;
    const accepted = registry.resolve(bearerToken(request.headers.authorization));
    if (!accepted) throw new NscaleHttpError(401, 'access_denied', SEED_DESCRIPTIONS.unauthorized);
    callers.set(request, accepted);
  });
}

/** RFC 6750 §2.1: `Authorization: Bearer <token>`, the scheme case-insensitive. */
function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer[ ]+([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(header ?? '');
  return match?.[1];
}
