import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { callerProject } from './glance-auth';
import { findOwnedImage, findVisibleImage } from './glance-access';
import { GlanceHttpError, badRequest, conflict, forbidden } from './glance-errors';
import type { GlanceRouteContext, ImageIdParams } from './glance-route.context';
import { requireMediaType } from './glance-route.context';
import type { ReceivedImageData } from './glance-upload';
import { UploadAbortedError, UploadTooLargeError, receiveImageData } from './glance-upload';

/** Image data: upload (`PUT …/file`) and download (`GET …/file`, with single-range support). */
export function registerGlanceFileRoutes(app: FastifyInstance, ctx: GlanceRouteContext): void {
  const { store } = ctx;

  app.put<{ Params: ImageIdParams }>(
    '/v2/images/:imageId/file',
    // The octet-stream parser hands the raw stream through, so this limit only keeps Fastify out of the way.
    { bodyLimit: Number.MAX_SAFE_INTEGER, onRequest: requireMediaType('application/octet-stream') },
    async (request, reply) => {
      const image = findOwnedImage(store, request.params.imageId, callerProject(request), 'upload data for');
      if (image.status !== 'queued')
        throw conflict(`Image status transition from ${image.status} to saving is not allowed`);
      // Glance's domain Image refuses queued → saving until both formats are set (a ValueError, answered 400).
      const missing = (['disk_format', 'container_format'] as const).filter((key) => !image[key]);
      if (missing.length > 0) {
        throw badRequest(
          `${missing.length === 1 ? 'Property' : 'Properties'} ${missing.join(', ')} must be set prior to saving data.`,
        );
      }

      const declaredLength = Number(request.headers['content-length']);
      if (ctx.maxUploadBytes !== undefined && declaredLength > ctx.maxUploadBytes) {
        reply.header('Connection', 'close');
        throw new GlanceHttpError(413, new UploadTooLargeError(ctx.maxUploadBytes).message);
      }

      store.setStatus(image.id, 'saving');
      const partialPath = join(ctx.dataDir, `${image.id}.${randomUUID()}.partial`);
      let received: ReceivedImageData;
      try {
        received = await receiveImageData(request.body as Readable, partialPath, ctx.maxUploadBytes);
      } catch (error) {
        await rm(partialPath, { force: true });
        // Glance's upload failure path: the image goes back to queued so the client can retry.
        if (store.get(image.id)?.status === 'saving') store.setStatus(image.id, 'queued');
        if (error instanceof UploadAbortedError) {
          reply.hijack();
          request.raw.destroy();
          return reply;
        }
        if (error instanceof UploadTooLargeError) {
          reply.header('Connection', 'close');
          throw new GlanceHttpError(413, error.message);
        }
        throw error;
      }

      if (!store.has(image.id)) {
        await rm(partialPath, { force: true });
        throw new GlanceHttpError(
          410,
          `Image ${image.id} could not be found after upload. The image may have been deleted during the upload.`,
        );
      }
      const finalPath = join(ctx.dataDir, image.id);
      await rename(partialPath, finalPath);
      store.update(image.id, (record) => {
        record.status = 'active';
        record.size = received.size;
        record.virtual_size = record.disk_format === 'raw' ? received.size : null;
        record.checksum = received.md5;
        record.os_hash_algo = 'sha512';
        record.os_hash_value = received.sha512;
        record.dataPath = finalPath;
      });
      return reply.code(204).send();
    },
  );

  app.get<{ Params: ImageIdParams }>('/v2/images/:imageId/file', async (request, reply) => {
    const image = findVisibleImage(store, request.params.imageId, callerProject(request));
    if (image.status === 'deactivated') {
      throw forbidden('The requested image has been deactivated. Image data download is forbidden.');
    }
    if (!image.dataPath || image.status !== 'active') return reply.code(204).send();

    const { size } = await stat(image.dataPath);
    const range = parseSingleRange(request.headers.range, size);
    if (range === 'unsatisfiable') {
      throw new GlanceHttpError(416, 'Requested range not satisfiable', { 'Content-Range': `bytes */${size}` });
    }
    reply.header('Content-Type', 'application/octet-stream');
    if (range) {
      return reply
        .code(206)
        .header('Content-Range', `bytes ${range.start}-${range.end}/${size}`)
        .header('Content-Length', String(range.end - range.start + 1))
        .send(createReadStream(image.dataPath, range));
    }
    if (image.checksum) reply.header('Content-MD5', image.checksum);
    return reply.code(200).header('Content-Length', String(size)).send(createReadStream(image.dataPath));
  });
}

/**
 * One `bytes=` range (`a-b`, `a-`, `-n`). Anything else — several ranges, another
 * unit, garbage — is ignored, which RFC 9110 allows, and the full body is sent.
 */
function parseSingleRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}
