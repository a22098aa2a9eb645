import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import type { GlanceImageRecord } from './glance.types';
import { glanceTimestamp } from './glance.types';
import { callerProject } from './glance-auth';
import { findOwnedImage, findVisibleImage } from './glance-access';
import { badRequest, conflict, forbidden } from './glance-errors';
import {
  UUID_PATTERN,
  assertPropertyQuota,
  assertWritableAttribute,
  isMutableCore,
  validateCoreValue,
  validateExtraProperty,
} from './glance-image.validation';
import { newGlanceImageRecord } from './glance-image.store';
import { renderGlanceImage } from './glance-image.view';
import { listGlanceImages } from './glance-list-query';
import { GLANCE_JSON_PATCH_MEDIA_TYPE, applyGlancePatch } from './glance-patch';
import type { GlanceRouteContext, ImageIdParams } from './glance-route.context';
import { baseUrl, isPlainObject, requireMediaType } from './glance-route.context';

const NHN_OS_TYPES = ['linux', 'windows'];

/** Image CRUD: list, show, create, JSON-patch update, delete. */
export function registerGlanceImageRoutes(app: FastifyInstance, ctx: GlanceRouteContext): void {
  const { store, dialect } = ctx;

  app.get('/v2/images', async (request) => {
    const rawQuery = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
    const page = listGlanceImages(store.all(), rawQuery, callerProject(request), dialect);
    return {
      images: page.images.map((image) => renderGlanceImage(image, dialect)),
      schema: '/v2/schemas/images',
      first: page.first,
      ...(page.next ? { next: page.next } : {}),
    };
  });

  app.get<{ Params: ImageIdParams }>('/v2/images/:imageId', async (request) => {
    return renderGlanceImage(findVisibleImage(store, request.params.imageId, callerProject(request)), dialect);
  });

  app.post('/v2/images', { onRequest: requireMediaType('application/json') }, async (request, reply) => {
    const project = callerProject(request);
    const image = buildNewImage(request.body, project, ctx);
    if (store.has(image.id)) throw conflict(`Image with identifier ${image.id} already exists!`);
    const created = store.add(image);
    // No OpenStack-image-import-methods nor OpenStack-image-store-ids: Glance sends them only when image import
    // (POST …/import) and several stores (GET /v2/info/stores) are enabled, and the emulator serves neither.
    return reply
      .code(201)
      .header('Location', `${baseUrl(request)}/v2/images/${created.id}`)
      .send(renderGlanceImage(created, dialect, { justCreated: true }));
  });

  app.patch<{ Params: ImageIdParams }>(
    '/v2/images/:imageId',
    { onRequest: requireMediaType(GLANCE_JSON_PATCH_MEDIA_TYPE) },
    async (request) => {
      const image = findOwnedImage(store, request.params.imageId, callerProject(request), 'modify');
      applyGlancePatch(image, request.body, dialect);
      store.touch(image);
      return renderGlanceImage(image, dialect);
    },
  );

  app.delete<{ Params: ImageIdParams }>('/v2/images/:imageId', async (request, reply) => {
    const project = callerProject(request);
    const visible = findVisibleImage(store, request.params.imageId, project);
    if (dialect === 'nhn' && visible.visibility === 'public') throw forbidden('Public images cannot be deleted.');
    const image = findOwnedImage(store, request.params.imageId, project, 'delete');
    if (image.protected) throw forbidden(`Image ${image.id} is protected and cannot be deleted.`);
    store.remove(image.id);
    if (image.dataPath) await rm(image.dataPath, { force: true });
    return reply.code(204).send();
  });
}

/** Validates a create body into a record; 400/403/413 as Glance would answer. */
function buildNewImage(body: unknown, project: string, ctx: GlanceRouteContext): GlanceImageRecord {
  if (!isPlainObject(body)) throw badRequest('Request body must be a JSON object.');
  const { dialect } = ctx;
  const image = newGlanceImageRecord(
    {
      id: randomUUID(),
      // Image API v2.5+ defaults to shared; NHN's create example comes back private.
      visibility: dialect === 'nhn' ? 'private' : 'shared',
      owner: project,
    },
    glanceTimestamp(ctx.now()),
  );

  for (const [key, value] of Object.entries(body)) {
    if (key === 'id') {
      if (typeof value !== 'string' || !UUID_PATTERN.test(value)) {
        throw badRequest(`Provided object does not match schema 'image': ${JSON.stringify(value)} is not a valid UUID`);
      }
      image.id = value.toLowerCase();
      continue;
    }
    if (key === 'owner' && value === project) continue;
    if (key === 'owner') throw forbidden(`You are not permitted to create images owned by '${String(value)}'.`);
    assertWritableAttribute(key, dialect);
    if (isMutableCore(key)) {
      (image as unknown as Record<string, unknown>)[key] = validateCoreValue(key, value, dialect);
    } else {
      image.extra[key] = validateExtraProperty(key, value);
    }
  }

  if (dialect === 'nhn') {
    if (image.name === null || image.name === '') throw badRequest("'name' is a required property");
    const osType = image.extra.os_type;
    if (osType === undefined) throw badRequest("'os_type' is a required property");
    if (!NHN_OS_TYPES.includes(osType))
      throw badRequest(`Invalid os_type value: ${osType}. Valid values are 'windows' or 'linux'.`);
  }
  assertPropertyQuota(image.extra);
  return image;
}
