import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { NscaleTokenRegistry } from './nscale-auth';
import { NscaleHttpError, SEED_DESCRIPTIONS } from './nscale-errors';

export interface NscaleOAuth2Options {
  clientId: string;
  clientSecret: string;
  /** Organizations the client's tokens act for; the emulator's organization when omitted. */
  organizationIds?: string[];
  /** Lifetime of issued access tokens (`expires_in`); 3600 when omitted. */
  tokenTtlSeconds?: number;
  /** Scopes the client may ask for; any scope when omitted. */
  allowedScopes?: string[];
}

interface TokenRouteContext {
  oauth2: NscaleOAuth2Options;
  registry: NscaleTokenRegistry;
  defaultOrganizationIds: readonly string[];
}

/** `/oauth2/token` as the sandbox documents it, and `/oauth2/v2/token`, the seed's identity service path. */
export const TOKEN_PATHS = ['/oauth2/token', '/oauth2/v2/token'] as const;

const BASIC_CHALLENGE = { 'WWW-Authenticate': 'Basic realm="nscale"' };

/**
 * The OAuth2 token endpoint, client-credentials grant only (RFC 6749 §4.4):
 * a form POST, the client authenticated by HTTP Basic (§2.3.1) or, as the RFC
 * also allows, by client_id/client_secret in the form.
 */
export function registerOAuth2TokenRoutes(app: FastifyInstance, ctx: TokenRouteContext): void {
  const ttlSeconds = ctx.oauth2.tokenTtlSeconds ?? 3600;
  const organizationIds = ctx.oauth2.organizationIds ?? ctx.defaultOrganizationIds;

  const issueToken = async (request: FastifyRequest, reply: FastifyReply) => {
    const form = request.body;
    if (!(form instanceof URLSearchParams)) {
      throw new NscaleHttpError(400, 'invalid_request', 'request body must be application/x-www-form-urlencoded');
    }
    const grantType = form.get('grant_type');
    if (!grantType) throw new NscaleHttpError(400, 'invalid_request', 'grant_type must be specified');
    authenticateClient(request, form, ctx.oauth2);
    if (grantType !== 'client_credentials') {
      throw new NscaleHttpError(400, 'unsupported_grant_type', `grant_type '${grantType}' is not supported`);
    }
    const scope = form.get('scope');
    if (scope !== null && ctx.oauth2.allowedScopes !== undefined) {
      const refused = scope.split(' ').filter((s) => s !== '' && !ctx.oauth2.allowedScopes?.includes(s));
      if (refused.length > 0)
        throw new NscaleHttpError(400, 'invalid_scope', `scope '${refused.join(' ')}' is not allowed`);
    }

    const accepted = ctx.registry.issue(organizationIds, ttlSeconds);
    // RFC 6749 §5.1: token responses must not be cached.
    return reply
      .header('Cache-Control', 'no-store')
      .header('Pragma', 'no-cache')
      .type('application/json')
      .send({
        access_token: accepted.token,
        token_type: 'Bearer',
        expires_in: ttlSeconds,
        ...(scope !== null && scope !== '' ? { scope } : {}),
      });
  };

  const methodNotAllowed = async () => {
    throw new NscaleHttpError(405, 'method_not_allowed', SEED_DESCRIPTIONS.methodNotAllowed);
  };

  for (const path of TOKEN_PATHS) {
    app.post(path, issueToken);
    app.route({ method: ['GET', 'PUT', 'PATCH', 'DELETE'], url: path, handler: methodNotAllowed });
  }
}

/** Throws invalid_client unless exactly one client authentication method carries the right credentials. */
function authenticateClient(request: FastifyRequest, form: URLSearchParams, oauth2: NscaleOAuth2Options): void {
  const header = request.headers.authorization;
  const basic = header === undefined ? undefined : parseBasic(header);
  const inForm = form.has('client_id') || form.has('client_secret');
  if (header !== undefined && inForm) {
    throw new NscaleHttpError(400, 'invalid_request', 'client authentication must use exactly one method');
  }
  if (header !== undefined) {
    // §5.2: a client that tried the Authorization header gets 401 with a challenge.
    if (!basic || basic.id !== oauth2.clientId || basic.secret !== oauth2.clientSecret) {
      throw new NscaleHttpError(401, 'invalid_client', 'client authentication failed', BASIC_CHALLENGE);
    }
    return;
  }
  if (!inForm) throw new NscaleHttpError(401, 'invalid_client', 'client authentication is required', BASIC_CHALLENGE);
  if (form.get('client_id') !== oauth2.clientId || form.get('client_secret') !== oauth2.clientSecret) {
    throw new NscaleHttpError(401, 'invalid_client', 'client authentication failed');
  }
}

/** §2.3.1: base64 of form-urlencoded id, ':', form-urlencoded secret. */
function parseBasic(header: string): { id: string; secret: string } | undefined {
  const match = /^Basic[ ]+([A-Za-z0-9+/]+=*)\s*$/i.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return undefined;
  try {
    return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}
