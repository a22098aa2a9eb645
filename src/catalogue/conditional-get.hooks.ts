import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

/**
 * Conditional GET (RFC 9110 §13.1.2): every 200 JSON answer to a GET or HEAD
 * carries an ETag (its route's, or one drawn from its bytes), and one the
 * request's If-None-Match names becomes a 304 without a body, so a
 * caller polling the catalogue downloads a page only when it changed. It acts
 * on answers already in memory only: a streamed body (an image's bytes) is
 * never replaced. Done as the answer is sent because Nest sets a route's
 * status after its interceptors have run.
 */
export function installConditionalGet(fastify: FastifyInstance): void {
  fastify.addHook('onSend', async (request, reply, payload) => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || reply.statusCode !== 200) return payload;
    if (!(typeof payload === 'string' || Buffer.isBuffer(payload))) return payload;
    if (reply.getHeader('etag') === undefined && isJson(reply.getHeader('content-type'))) {
      void reply.header('etag', entityTagOf(payload));
    }
    const etag = reply.getHeader('etag');
    const ifNoneMatch = request.headers['if-none-match'];
    if (typeof etag !== 'string' || ifNoneMatch === undefined || !namesEntityTag(ifNoneMatch, etag)) return payload;
    // RFC 9110 §15.4.5: no content, and no representation metadata but the validators.
    void reply.code(304).removeHeader('content-type');
    // Fastify's HEAD route drops the body itself after this hook and needs it to do so: it then sends the
    // 200's Content-Length, which RFC 9110 §8.6 allows on a 304.
    if (request.method === 'HEAD') return payload;
    void reply.removeHeader('content-length');
    return null;
  });
}

/**
 * A strong entity tag drawn from the bytes of a JSON answer, for the answers
 * whose route sets none itself (the catalogue's pages and resolve keep theirs,
 * computed once per cached answer): every list and every single resource.
 */
export function entityTagOf(payload: string | Buffer): string {
  return `"${createHash('sha256').update(payload).digest('base64url').slice(0, 32)}"`;
}

function isJson(contentType: unknown): boolean {
  if (typeof contentType !== 'string') return false;
  const mediaType = contentType.split(';')[0].trim().toLowerCase();
  return mediaType === 'application/json' || mediaType.endsWith('+json');
}

/** If-None-Match's weak comparison: `*`, or any listed tag equal to `etag` once `W/` is set aside. */
export function namesEntityTag(ifNoneMatch: string, etag: string): boolean {
  const wanted = opaqueTag(etag);
  return ifNoneMatch
    .split(',')
    .map((tag) => tag.trim())
    .some((tag) => tag === '*' || opaqueTag(tag) === wanted);
}

function opaqueTag(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag;
}
