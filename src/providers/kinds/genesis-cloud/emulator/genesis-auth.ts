import type { FastifyInstance } from 'fastify';
import { sendGenesisError, unauthorized } from './genesis-errors';

/** The API prefix that needs a token; anything else is unrouted and answers 404. */
export const GENESIS_API_PREFIX = '/compute/';

/**
 * Genesis API tokens, sent as `Authorization: Bearer <token>`. With no token
 * configured any non-empty token is accepted, so a bare emulator is usable; a
 * missing or malformed header is refused either way.
 */
export class GenesisTokenRegistry {
  private readonly tokens: ReadonlySet<string>;

  constructor(tokens: readonly string[] = []) {
    this.tokens = new Set(tokens);
  }

  accepts(token: string): boolean {
    return token !== '' && (this.tokens.size === 0 || this.tokens.has(token));
  }
}

/** The token of an `Authorization: Bearer …` header (scheme case-insensitive, RFC 6750), else null. */
export function bearerToken(header: string | string[] | undefined): string | null {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value === undefined ? null : /^Bearer[ ]+(\S+)\s*$/i.exec(value);
  return match ? match[1] : null;
}

/** Registered after fault injection, like an API gateway behind a load balancer. */
export function installGenesisAuth(app: FastifyInstance, registry: GenesisTokenRegistry): void {
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith(GENESIS_API_PREFIX)) return;
    const token = bearerToken(request.headers.authorization);
    if (token === null || !registry.accepts(token)) return sendGenesisError(reply, unauthorized());
  });
}
