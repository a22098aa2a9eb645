import type { FastifyInstance } from 'fastify';
import type { PinoLogger } from 'nestjs-pino';
import { scrubUrl } from './log-redaction';
import { assignRequestId } from './request-id';

/** Probes and scrapes come every few seconds; they log at debug so LOG_LEVEL=info shows real traffic. */
const QUIET_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);

/**
 * One JSON line per request, when its response ends: the request id (the
 * caller's X-Request-Id or a new one, echoed back), method, route template,
 * URL without secrets, status and duration. Everything logged while the
 * request is handled carries the same requestId.
 */
export function installRequestLogging(fastify: FastifyInstance, pino: PinoLogger): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const requestId = assignRequestId(request.raw, reply.raw);
    // done() runs the rest of the request's hooks and its handler, so they inherit this context.
    pino.runInContext(() => done(), { bindings: { requestId } });
  });
  fastify.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    const level = status >= 500 ? 'error' : QUIET_ROUTES.has(route) ? 'debug' : status >= 400 ? 'warn' : 'info';
    // Flat fields: pino-http's req/res serializers expect raw objects under those keys.
    pino.logger[level](
      {
        method: request.method,
        route,
        url: scrubUrl(request.url),
        statusCode: status,
        remoteAddress: request.ip,
        responseTimeMs: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request completed',
    );
  });
}
