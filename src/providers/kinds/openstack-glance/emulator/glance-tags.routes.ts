import type { FastifyInstance } from 'fastify';
import { callerProject } from './glance-auth';
import { findOwnedImage } from './glance-access';
import { notFound } from './glance-errors';
import { assertTagQuota, validateTag } from './glance-image.validation';
import type { GlanceRouteContext } from './glance-route.context';

interface TagParams {
  imageId: string;
  tag: string;
}

/** `PUT|DELETE /v2/images/{id}/tags/{tag}`; adding an existing tag is a no-op 204, as in Glance. */
export function registerGlanceTagRoutes(app: FastifyInstance, ctx: GlanceRouteContext): void {
  const { store, dialect } = ctx;

  app.put<{ Params: TagParams }>('/v2/images/:imageId/tags/:tag', async (request, reply) => {
    const image = findOwnedImage(store, request.params.imageId, callerProject(request), 'modify');
    const tag = validateTag(request.params.tag, dialect);
    if (!image.tags.includes(tag)) {
      assertTagQuota(image.tags.length + 1);
      image.tags.push(tag);
      store.touch(image);
    }
    return reply.code(204).send();
  });

  app.delete<{ Params: TagParams }>('/v2/images/:imageId/tags/:tag', async (request, reply) => {
    const image = findOwnedImage(store, request.params.imageId, callerProject(request), 'modify');
    const index = image.tags.indexOf(request.params.tag);
    if (index < 0) throw notFound(`Tag ${request.params.tag} not found`);
    image.tags.splice(index, 1);
    store.touch(image);
    return reply.code(204).send();
  });
}
