import type { FastifyInstance } from 'fastify';
import { HPC, type FptRouteContext } from './fpt-route.context';

/**
 * `GET …/hpc/images` (listImages) and `GET …/hpc/custom-images` (listCustomImages):
 * `{data: [...]}` with every image at once. The seed has no pagination, filter
 * or sort parameter, so none is read.
 */
export function registerFptListRoutes(app: FastifyInstance, ctx: FptRouteContext): void {
  app.get(`${HPC}/images`, async (_request, reply) => reply.type('application/json').send(ctx.store.publicListBody()));
  app.get(`${HPC}/custom-images`, async (_request, reply) =>
    reply.type('application/json').send(ctx.store.customListBody()),
  );
}
