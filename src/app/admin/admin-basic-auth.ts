import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiKeyService, hasScope } from '../../platform/auth/api-key.service';
import { ForbiddenError, UnauthorizedError } from '../../platform/errors/app.errors';
import { PROBLEM_CONTENT_TYPE } from '../../platform/errors/problem-details';
import { toProblem } from '../../platform/errors/problem-mapper';

/**
 * The dashboard is a browser page, so besides `Authorization: Bearer <secret>`
 * it takes HTTP Basic with the API key's secret as the password (any user
 * name): the browser asks once and resends it for every asset and API call.
 */
export function adminOnly(keys: ApiKeyService) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const secret = presentedSecret(request.headers.authorization);
    const principal = secret ? await keys.verify(secret) : null;
    if (!principal) {
      await reply
        .code(401)
        .header('www-authenticate', 'Basic realm="image-broker admin", charset="UTF-8"')
        .type(PROBLEM_CONTENT_TYPE)
        .send(
          toProblem(new UnauthorizedError('Send an API key with the admin scope, as Bearer or as the Basic password')),
        );
      return;
    }
    if (!hasScope(principal, 'admin')) {
      await reply
        .code(403)
        .type(PROBLEM_CONTENT_TYPE)
        .send(toProblem(new ForbiddenError(`The API key '${principal.keyId}' lacks the 'admin' scope`)));
    }
  };
}

function presentedSecret(header: string | undefined): string | null {
  if (!header) return null;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (bearer) return bearer[1];
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!basic) return null;
  const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 && colon < decoded.length - 1 ? decoded.slice(colon + 1) : null;
}
