import type { FastifyInstance } from 'fastify';
import type { GenesisImageStore } from './genesis-image.store';
import { type GenesisQuery, listGenesisImages } from './genesis-list-query';

/** The one image route Genesis documents: `GET /compute/v1/images`. No get-by-id, create or delete. */
export function registerGenesisImageRoutes(app: FastifyInstance, store: GenesisImageStore): void {
  app.get<{ Querystring: GenesisQuery }>('/compute/v1/images', async (request, reply) => {
    return reply.type('application/json; charset=utf-8').send(listGenesisImages(store, request.query));
  });
}
