import type { FastifyReply, FastifyRequest } from 'fastify';
import type { GlanceImageStore } from './glance-image.store';
import type { GlanceDialect } from './glance.types';
import { GlanceHttpError } from './glance-errors';

/** Everything the Glance route modules share. */
export interface GlanceRouteContext {
  store: GlanceImageStore;
  dialect: GlanceDialect;
  now: () => number;
  /** Directory holding uploaded image data. */
  dataDir: string;
  maxUploadBytes?: number;
}

export interface ImageIdParams {
  imageId: string;
}

/**
 * Route-level onRequest guard: checking the media type before Fastify parses the
 * body means a wrong Content-Type is a 415, never a JSON parse error.
 */
export function requireMediaType(...accepted: string[]) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const mediaType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (!accepted.includes(mediaType)) throw new GlanceHttpError(415, 'Unsupported Content-Type');
  };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function baseUrl(request: FastifyRequest): string {
  return `http://${request.headers.host ?? '127.0.0.1'}`;
}
