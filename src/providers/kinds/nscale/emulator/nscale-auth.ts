import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { RequestCallers } from '../../../emulator-kit/request-callers';
import { TokenRegistry } from '../../../emulator-kit/token-registry';
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
export class NscaleTokenRegistry extends TokenRegistry<AcceptedToken> {
  private issuedCount = 0;

  constructor(now: () => number, fallbackOrganizationIds: readonly string[] | null) {
    super(
      now,
      fallbackOrganizationIds === null
        ? null
        : (token) => ({ token, organizationIds: fallbackOrganizationIds, issuedAtMs: now(), expiresAtMs: null }),
    );
  }

  addStatic(token: string, organizationIds: readonly string[]): void {
    this.remember({ token, organizationIds: [...organizationIds], issuedAtMs: this.now(), expiresAtMs: null });
  }

  issue(organizationIds: readonly string[], ttlSeconds: number): AcceptedToken {
    const issuedAtMs = this.now();
    const token = randomBytes(48).toString('base64url');
    this.issuedCount++;
    return this.remember({
      token,
      organizationIds: [...organizationIds],
      issuedAtMs,
      expiresAtMs: issuedAtMs + ttlSeconds * 1000,
    });
  }

  /** How many access tokens the token endpoint has issued; lets tests see renewals. */
  issued(): number {
    return this.issuedCount;
  }
}

const callers = new RequestCallers<AcceptedToken>('caller');

/** The authenticated caller; only valid inside `/api/` routes. */
export function caller(request: FastifyRequest): AcceptedToken {
  return callers.get(request);
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
