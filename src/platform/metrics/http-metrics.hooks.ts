import type { FastifyInstance } from 'fastify';
import type { BrokerMetrics } from './broker-metrics';

/** Observes every response's duration by method, route template and status (one series per route, not per image). */
export function installHttpMetrics(fastify: FastifyInstance, metrics: BrokerMetrics): void {
  fastify.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
}
