import type { FastifyInstance } from 'fastify';
import { caller } from './nscale-auth';
import { NscaleHttpError, SEED_DESCRIPTIONS } from './nscale-errors';
import type { NscaleImageStore } from './nscale-image.store';
import { imageFilter, parseImageListQuery } from './nscale-list-query';
import type { NscaleImageRecord } from './nscale.types';

export const IMAGES_PATH = '/api/v2/regions/:regionID/images';

interface RegionParams {
  regionID: string;
}

/** `GET /api/v2/regions/{regionID}/images`: the whole list in one answer, as the seed has no pagination. */
export function registerNscaleImageRoutes(app: FastifyInstance, store: NscaleImageStore): void {
  app.get<{ Params: RegionParams; Querystring: Record<string, string | string[] | undefined> }>(
    IMAGES_PATH,
    async (request, reply) => {
      const { regionID } = request.params;
      const query = parseImageListQuery(request.query);
      const member = caller(request).organizationIds;
      if (query.organizationIds.some((id) => !member.includes(id))) {
        throw new NscaleHttpError(403, 'forbidden', SEED_DESCRIPTIONS.forbidden);
      }
      if (!store.hasRegion(regionID)) throw new NscaleHttpError(404, 'not_found', SEED_DESCRIPTIONS.notFound);

      const visible = store.all(regionID).filter(imageFilter(query, member)).sort(byName);
      return reply.type('application/json').send(JSON.stringify(visible.map((record) => record.image)));
    },
  );
  app.route({
    method: ['POST', 'PUT', 'PATCH', 'DELETE'],
    url: IMAGES_PATH,
    handler: async () => {
      // The seed documents only GET here.
      throw new NscaleHttpError(405, 'method_not_allowed', SEED_DESCRIPTIONS.methodNotAllowed);
    },
  });
}

/** Listed by name, then id: a stable order that does not depend on insertion. */
function byName(a: NscaleImageRecord, b: NscaleImageRecord): number {
  const an = a.image.metadata.name;
  const bn = b.image.metadata.name;
  if (an !== bn) return an < bn ? -1 : 1;
  const ai = a.image.metadata.id;
  const bi = b.image.metadata.id;
  return ai < bi ? -1 : ai > bi ? 1 : 0;
}
