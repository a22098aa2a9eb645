import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { RequestCallers } from '../../../emulator-kit/request-callers';
import { TokenRegistry } from '../../../emulator-kit/token-registry';
import { sendUnauthorized } from './glance-errors';

/** A token the emulator will accept, and the project it acts for. */
export interface AcceptedToken {
  token: string;
  /** null for unscoped Keystone tokens, which the image API refuses. */
  projectId: string | null;
  /** Epoch ms after which the token is dead; null never expires (static tokens). */
  expiresAtMs: number | null;
  issuedAtMs: number;
}

/**
 * Static X-Auth-Token values plus tokens issued by the Keystone routes. When
 * nothing at all is configured, any non-empty token is taken as the owner's, so
 * a bare `createGlanceEmulator({ dialect })` is usable; a missing header still gets 401.
 */
export class GlanceTokenRegistry extends TokenRegistry<AcceptedToken> {
  constructor(now: () => number, fallbackProjectId: string | null) {
    super(
      now,
      fallbackProjectId === null
        ? null
        : (token) => ({ token, projectId: fallbackProjectId, expiresAtMs: null, issuedAtMs: now() }),
    );
  }

  addStatic(token: string, projectId: string): void {
    this.remember({ token, projectId, expiresAtMs: null, issuedAtMs: this.now() });
  }

  issue(projectId: string | null, ttlSeconds: number): AcceptedToken {
    // Fernet tokens start with gAAAAA; keep the look so log-redaction code can be tested on it.
    const token = `gAAAAA${randomBytes(90).toString('base64url')}`;
    const issuedAtMs = this.now();
    return this.remember({ token, projectId, issuedAtMs, expiresAtMs: issuedAtMs + ttlSeconds * 1000 });
  }
}

const callerProjects = new RequestCallers<string>('callerProject');

/** Project id of the authenticated caller; only valid inside `/v2` routes. */
export function callerProject(request: FastifyRequest): string {
  return callerProjects.get(request);
}

/** keystonemiddleware in front of `/v2/*`: 401 unless X-Auth-Token is live and project-scoped. */
export function installGlanceAuth(app: FastifyInstance, registry: GlanceTokenRegistry): void {
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/v2/') && request.url !== '/v2') return;
    const header = request.headers['x-auth-token'];
    const accepted = registry.resolve(Array.isArray(header) ? header[0] : header);
    if (!accepted || accepted.projectId === null) {
      return sendUnauthorized(reply, `http://${request.headers.host ?? '127.0.0.1'}/v3`);
    }
    callerProjects.set(request, accepted.projectId);
  });
}
