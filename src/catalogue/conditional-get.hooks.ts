import type { FastifyInstance } from 'fastify';

/**
 * Conditional GET (RFC 9110 §13.1.2): a 200 answer to a GET or HEAD that carries an
 * ETag the request's If-None-Match names becomes a 304 without a body, so a
 * caller polling the catalogue downloads a page only when it changed. It acts
 * on answers already in memory only: a streamed body (an image's bytes) is
 * never replaced. Done as the answer is sent because Nest sets a route's
 * status after its interceptors have run.
 */
export function installConditionalGet(fastify: FastifyInstance): void {
  fastify.addHook('onSend', async (request, reply, payload) => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || reply.statusCode !== 200) return payload;
    if (!(typeof payload === 'string' || Buffer.isBuffer(payload))) return payload;
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
