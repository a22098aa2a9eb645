import Fastify, { type FastifyInstance } from 'fastify';
import { entityTagOf, installConditionalGet, namesEntityTag } from './conditional-get.hooks';

describe('If-None-Match against a page ETag', () => {
  const etag = '"abc123"';

  it('matches the same tag, a weak form of it, one in a list, and *', () => {
    expect(namesEntityTag('"abc123"', etag)).toBe(true);
    expect(namesEntityTag('W/"abc123"', etag)).toBe(true);
    expect(namesEntityTag('"x", "y" ,W/"abc123"', etag)).toBe(true);
    expect(namesEntityTag('*', etag)).toBe(true);
  });

  it('does not match another tag, a tag without its quotes, or an empty header', () => {
    expect(namesEntityTag('"abc1234"', etag)).toBe(false);
    expect(namesEntityTag('abc123', etag)).toBe(false);
    expect(namesEntityTag('', etag)).toBe(false);
  });
});

describe('installConditionalGet', () => {
  let fastify: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    fastify = Fastify();
    installConditionalGet(fastify);
    fastify.get('/list', async () => ({ items: [1, 2, 3] }));
    fastify.get('/tagged', async (_request, reply) => reply.header('etag', '"own"').send({ a: 1 }));
    fastify.get('/text', async (_request, reply) => reply.type('text/plain').send('plain'));
    base = await fastify.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(() => fastify.close());

  it('tags a JSON answer that has no ETag from its bytes, and answers 304 to that tag', async () => {
    const first = await fetch(`${base}/list`);
    const body = await first.text();
    expect(first.status).toBe(200);
    expect(first.headers.get('etag')).toBe(entityTagOf(body));
    const again = await fetch(`${base}/list`, { headers: { 'if-none-match': first.headers.get('etag')! } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
  });

  it("keeps a route's own ETag and leaves an answer that is not JSON untagged", async () => {
    const tagged = await fetch(`${base}/tagged`);
    expect(tagged.headers.get('etag')).toBe('"own"');
    await tagged.text();
    const text = await fetch(`${base}/text`);
    expect(text.headers.get('etag')).toBeNull();
    await text.text();
  });
});
