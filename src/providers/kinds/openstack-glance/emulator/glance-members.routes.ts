import type { FastifyInstance } from 'fastify';
import type { GlanceImageRecord, GlanceMemberStatus } from './glance.types';
import { GLANCE_MEMBER_STATUSES, glanceTimestamp } from './glance.types';
import { callerProject } from './glance-auth';
import { findVisibleImage, membershipOf } from './glance-access';
import { GlanceHttpError, badRequest, conflict, forbidden, notFound } from './glance-errors';
import { MEMBER_QUOTA } from './glance-image.validation';
import { renderGlanceMember } from './glance-image.view';
import type { GlanceRouteContext, ImageIdParams } from './glance-route.context';
import { isPlainObject, requireMediaType } from './glance-route.context';

interface MemberParams extends ImageIdParams {
  memberId: string;
}

/**
 * Image sharing. The owner adds and removes members; only the member itself
 * may accept or reject. Members see their own membership only.
 */
export function registerGlanceMemberRoutes(app: FastifyInstance, ctx: GlanceRouteContext): void {
  const { store } = ctx;

  const sharedImage = (imageId: string, project: string): GlanceImageRecord => {
    const image = findVisibleImage(store, imageId, project);
    if (image.visibility !== 'shared') throw forbidden('Only shared images have members.');
    return image;
  };

  app.get<{ Params: ImageIdParams }>('/v2/images/:imageId/members', async (request) => {
    const project = callerProject(request);
    const image = sharedImage(request.params.imageId, project);
    const members = image.owner === project ? image.members : image.members.filter((m) => m.member_id === project);
    return { members: members.map((m) => renderGlanceMember(image.id, m)), schema: '/v2/schemas/members' };
  });

  app.post<{ Params: ImageIdParams }>(
    '/v2/images/:imageId/members',
    { onRequest: requireMediaType('application/json') },
    async (request) => {
      const project = callerProject(request);
      const image = sharedImage(request.params.imageId, project);
      if (image.owner !== project) throw forbidden('You are not permitted to create image members for the image.');
      const body = request.body;
      if (!isPlainObject(body) || typeof body.member !== 'string' || body.member === '') {
        throw badRequest('Member to be added not specified');
      }
      if (membershipOf(image, body.member))
        throw conflict(`Member ${body.member} already associated with image ${image.id}`);
      if (image.members.length >= MEMBER_QUOTA)
        throw new GlanceHttpError(413, `Maximum number of members exceeded (${MEMBER_QUOTA}).`);
      const stamp = glanceTimestamp(ctx.now());
      const member = { member_id: body.member, status: 'pending' as const, created_at: stamp, updated_at: stamp };
      image.members.push(member);
      return renderGlanceMember(image.id, member);
    },
  );

  app.get<{ Params: MemberParams }>('/v2/images/:imageId/members/:memberId', async (request) => {
    const project = callerProject(request);
    const image = sharedImage(request.params.imageId, project);
    const member = membershipOf(image, request.params.memberId);
    if (!member || (image.owner !== project && member.member_id !== project)) {
      throw notFound(`${request.params.memberId} not found`);
    }
    return renderGlanceMember(image.id, member);
  });

  app.put<{ Params: MemberParams }>(
    '/v2/images/:imageId/members/:memberId',
    { onRequest: requireMediaType('application/json') },
    async (request) => {
      const project = callerProject(request);
      const image = sharedImage(request.params.imageId, project);
      const member = membershipOf(image, request.params.memberId);
      if (!member || (image.owner !== project && member.member_id !== project)) {
        throw notFound(`${request.params.memberId} not found`);
      }
      if (member.member_id !== project)
        throw forbidden("You are not permitted to modify 'status' on this image member.");
      const body = request.body;
      const status = isPlainObject(body) ? body.status : undefined;
      if (typeof status !== 'string' || !(GLANCE_MEMBER_STATUSES as readonly string[]).includes(status)) {
        throw badRequest(`Invalid status: ${String(status)}. Status must be one of pending, accepted, rejected.`);
      }
      member.status = status as GlanceMemberStatus;
      member.updated_at = glanceTimestamp(ctx.now());
      return renderGlanceMember(image.id, member);
    },
  );

  app.delete<{ Params: MemberParams }>('/v2/images/:imageId/members/:memberId', async (request, reply) => {
    const project = callerProject(request);
    const image = sharedImage(request.params.imageId, project);
    if (image.owner !== project) throw forbidden('You are not permitted to delete image members for the image.');
    const index = image.members.findIndex((m) => m.member_id === request.params.memberId);
    if (index < 0) throw notFound(`${request.params.memberId} not found`);
    image.members.splice(index, 1);
    return reply.code(204).send();
  });
}
