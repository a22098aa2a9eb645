import { applyDecorators } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiConsumes } from '@nestjs/swagger';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { UnsupportedMediaTypeError } from '../errors/app.errors';
import { drainAbandonedBody } from './abandoned-body';

export const JSON_MEDIA_TYPE = 'application/json';
export const MERGE_PATCH_MEDIA_TYPE = 'application/merge-patch+json';
export const OCTET_STREAM_MEDIA_TYPE = 'application/octet-stream';

/** What a route takes as its body when it says nothing: JSON, the media type of every API body. */
const DEFAULT_BODY_MEDIA_TYPES: readonly string[] = [JSON_MEDIA_TYPE];

/** The Fastify route config key under which a route lists the body media types it takes. */
const CONFIG_KEY = 'bodyMediaTypes';

/**
 * The media types a route takes as its body, enforced before the body is read
 * (415 otherwise) and shown in the spec. A route that does not say takes JSON
 * only; only a route that declares application/octet-stream ever gets the raw
 * request stream as its body.
 */
export function AcceptsBody(...mediaTypes: string[]): MethodDecorator {
  return applyDecorators(RouteConfig({ [CONFIG_KEY]: mediaTypes }), ApiConsumes(...mediaTypes));
}

/** The media types the route of this request takes as its body. */
export function acceptedBodyMediaTypes(request: FastifyRequest): readonly string[] {
  const declared = (request.routeOptions.config as unknown as Record<string, unknown> | undefined)?.[CONFIG_KEY];
  return Array.isArray(declared) ? (declared as string[]) : DEFAULT_BODY_MEDIA_TYPES;
}

/** `type/subtype` of a Content-Type header, lower-cased and without parameters; '' when absent. */
export function mediaTypeOf(contentType: string | undefined): string {
  if (contentType === undefined) return '';
  const end = contentType.indexOf(';');
  return (end === -1 ? contentType : contentType.slice(0, end)).trim().toLowerCase();
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length.trim() !== '0');
}

function unsupported(given: string, accepted: readonly string[]): UnsupportedMediaTypeError {
  return new UnsupportedMediaTypeError(
    `${given ? `Content-Type ${given.slice(0, 100)} is` : 'A body without a Content-Type is'} not accepted here; ` +
      `send ${accepted.join(' or ')}`,
    [{ field: 'Content-Type', message: `Content-Type must be ${accepted.join(' or ')}` }],
  );
}

/**
 * Installs the octet-stream parser of the file route and the check that keeps each route to
 * its own media types. The check runs as the request arrives, before any
 * parser: a JSON route sent application/octet-stream used to hand the raw
 * socket stream to the validation pipe, whose object walk aborted Node.
 * Unmatched routes are left to the 404 answer.
 */
export function installBodyMediaTypes(
  fastify: FastifyInstance,
  sendProblem: (request: FastifyRequest, reply: FastifyReply, error: unknown) => void,
): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    if (request.routeOptions.url === undefined || !hasBody(request)) return done();
    const accepted = acceptedBodyMediaTypes(request);
    const given = mediaTypeOf(request.headers['content-type']);
    if (accepted.includes(given)) return done();
    // The body is not read: drop what the client still sends, so a kept-alive connection stays usable.
    drainAbandonedBody(request.raw);
    sendProblem(request, reply, unsupported(given, accepted));
  });
  // Image bytes are streamed, never parsed or buffered: the handler gets the raw request stream.
  // Only routes that declare octet-stream get here (the onRequest check above).
  // Fastify runs a parser even for a request that declares no body length (no Content-Length, no
  // Transfer-Encoding), which the check above lets through: refuse the stream here too, so no
  // route but a declared octet-stream one ever gets the raw socket stream as its body.
  fastify.addContentTypeParser(OCTET_STREAM_MEDIA_TYPE, (request, payload, done) => {
    const accepted = acceptedBodyMediaTypes(request);
    if (accepted.includes(OCTET_STREAM_MEDIA_TYPE)) return done(null, payload);
    done(unsupported(OCTET_STREAM_MEDIA_TYPE, accepted), undefined);
  });
}
