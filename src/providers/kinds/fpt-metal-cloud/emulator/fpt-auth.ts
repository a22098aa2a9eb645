import type { FastifyInstance } from 'fastify';
import { FptHttpError, sendFptError } from './fpt-errors';
import { UUID } from './fpt.types';

const API_PREFIX = '/api/';

/**
 * The seed's `security: bearer` on every path: `Authorization: Bearer <token>`
 * with one of the configured tokens, else 401. Then the `{vpc_id}` of the path
 * must be a uuid (400, as the seed types it `format: uuid`) and the VPC the
 * tokens belong to (403: a real token reaching someone else's VPC is forbidden,
 * not unauthenticated).
 */
export function installFptAuth(app: FastifyInstance, tokens: ReadonlySet<string>, vpcId: string): void {
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith(API_PREFIX)) return;
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) return sendFptError(reply, new FptHttpError(401, 'Authentication credentials were not provided.'));
    if (!tokens.has(match[1])) return sendFptError(reply, new FptHttpError(401, 'Invalid token or token has expired.'));
  });

  // preHandler: runs after routing, so only matched routes with a {vpc_id} are checked.
  app.addHook('preHandler', async (request, reply) => {
    const params = request.params as { vpc_id?: string } | undefined;
    const requested = params?.vpc_id;
    if (requested === undefined) return;
    if (!UUID.test(requested)) return sendFptError(reply, new FptHttpError(400, `'${requested}' is not a valid UUID.`));
    if (requested.toLowerCase() !== vpcId.toLowerCase()) {
      return sendFptError(reply, new FptHttpError(403, 'You do not have permission to access this VPC.'));
    }
  });
}
