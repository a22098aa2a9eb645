import type { GlanceConnection } from '../../connections/provider-connection.types';
import { replyJson, ScriptedHttpServer } from '../../../platform/outbound-http/testing/scripted-http-server';
import type { NormalizedImage } from '../../port/normalized-image';
import { ProviderNotFoundError, ProviderProtocolError } from '../../../platform/errors/provider.errors';
import { createGlanceAdapter, GlanceAdapter } from './glance.adapter';

describe('GlanceAdapter', () => {
  let glance: ScriptedHttpServer;

  beforeAll(async () => (glance = await ScriptedHttpServer.start()));
  afterAll(() => glance.close());
  beforeEach(() => glance.reset());

  function connection(extra: Partial<GlanceConnection> = {}): GlanceConnection {
    return {
      name: 'nhn-kr1',
      kind: 'openstack-glance',
      dialect: 'nhn',
      endpoint: glance.url,
      region: 'kr1',
      auth: { type: 'token', token: 'nhn-token-xyz' },
      ...extra,
    };
  }

  const adapter = (extra: Partial<GlanceConnection> = {}, pageSize?: number) =>
    new GlanceAdapter(connection(extra), { pageSize, http: { sleep: async () => undefined } });

  async function collect(images: AsyncIterable<NormalizedImage>): Promise<NormalizedImage[]> {
    const all: NormalizedImage[] = [];
    for await (const image of images) all.push(image);
    return all;
  }

  const glanceImage = (id: string) => ({ id, name: id, status: 'active', visibility: 'public', tags: [] });

  it('declares every operation, its region, and its kind', () => {
    const nhn = createGlanceAdapter(connection());
    expect(nhn).toMatchObject({ name: 'nhn-kr1', kind: 'openstack-glance', regions: ['kr1'] });
    expect(Object.values(nhn.capabilities).every(Boolean)).toBe(true);
    expect(adapter({ region: undefined }).regions).toEqual([]);
  });

  it('lists every page, following next links and keeping its limit and sort order on them', async () => {
    glance.reply(
      replyJson(200, { images: [glanceImage('a'), glanceImage('b')], next: '/v2/images?marker=b' }),
      replyJson(200, { images: [glanceImage('c')], first: '/v2/images', schema: '/v2/schemas/images' }),
    );

    const images = await collect(adapter({}, 2).listImages());

    expect(images.map((i) => [i.nativeId, i.region, i.status])).toEqual([
      ['a', 'kr1', 'active'],
      ['b', 'kr1', 'active'],
      ['c', 'kr1', 'active'],
    ]);
    expect(glance.requests.map((r) => r.url)).toEqual([
      '/v2/images?limit=2&sort_key=created_at&sort_dir=asc',
      '/v2/images?marker=b&limit=2&sort_key=created_at&sort_dir=asc',
    ]);
    expect(glance.requests.every((r) => r.headers['x-auth-token'] === 'nhn-token-xyz')).toBe(true);
  });

  it('fetches the next page only when the consumer asks for more', async () => {
    glance.reply(replyJson(200, { images: [glanceImage('a')], next: '/v2/images?marker=a' }));

    for await (const image of adapter().listImages()) {
      expect(image.nativeId).toBe('a');
      break;
    }

    expect(glance.requests).toHaveLength(1);
  });

  it('follows next links under an endpoint with a path prefix', async () => {
    glance.reply(
      replyJson(200, {
        images: [glanceImage('a')],
        next: '/v2/images?marker=a&limit=1&sort_key=created_at&sort_dir=asc',
      }),
      replyJson(200, { images: [] }),
    );

    await collect(adapter({ endpoint: `${glance.url}/image` }, 1).listImages());

    expect(glance.requests.map((r) => r.url)).toEqual([
      '/image/v2/images?limit=1&sort_key=created_at&sort_dir=asc',
      '/image/v2/images?marker=a&limit=1&sort_key=created_at&sort_dir=asc',
    ]);
  });

  it('stops with ProviderProtocolError when next links loop back to a marker already seen', async () => {
    glance.otherwise(replyJson(200, { images: [glanceImage('a')], next: '/v2/images?marker=a' }));

    await expect(collect(adapter().listImages())).rejects.toBeInstanceOf(ProviderProtocolError);
    expect(glance.requests).toHaveLength(2);
  });

  it('lists os_hidden and own community images after the default list, keeping each listing on its next links, once each', async () => {
    const own = (id: string, visibility: string) => ({ ...glanceImage(id), visibility, owner: 'p1' });
    glance.reply(
      // A Glance that already lists our own community image by default (later releases do).
      replyJson(200, { images: [own('a', 'private'), own('c', 'community')] }),
      replyJson(200, { images: [{ ...own('h', 'public'), os_hidden: true }] }),
      replyJson(200, { images: [own('c', 'community'), own('d', 'community')], next: '/v2/images?marker=d' }),
      replyJson(200, { images: [own('e', 'community')] }),
      replyJson(200, { images: [{ ...own('f', 'community'), os_hidden: true }] }),
    );

    const images = await collect(adapter({ dialect: 'standard' }, 2).listImages());

    expect(images.map((i) => i.nativeId)).toEqual(['a', 'c', 'h', 'd', 'e', 'f']);
    expect(glance.requests.map((r) => r.url)).toEqual([
      '/v2/images?limit=2&sort_key=created_at&sort_dir=asc',
      '/v2/images?os_hidden=true&limit=2&sort_key=created_at&sort_dir=asc',
      '/v2/images?visibility=community&owner=p1&limit=2&sort_key=created_at&sort_dir=asc',
      '/v2/images?marker=d&visibility=community&owner=p1&limit=2&sort_key=created_at&sort_dir=asc',
      '/v2/images?visibility=community&owner=p1&os_hidden=true&limit=2&sort_key=created_at&sort_dir=asc',
    ]);
  });

  it('rejects a page that is not an image list', async () => {
    glance.reply(replyJson(200, { servers: [] }));

    await expect(collect(adapter().listImages())).rejects.toBeInstanceOf(ProviderProtocolError);
  });

  it('gets one image by id', async () => {
    glance.reply(replyJson(200, { ...glanceImage('1c86'), os_distro: 'CentOS' }));

    const image = await adapter().getImage('1c86');

    expect(image).toMatchObject({ nativeId: '1c86', region: 'kr1', os: { distro: 'centos' } });
    expect(glance.requests[0].url).toBe('/v2/images/1c86');
  });

  it('answers null for an image Glance does not have', async () => {
    glance.reply(replyJson(404, { message: 'No image found with ID nope' }));

    await expect(adapter().getImage('nope')).resolves.toBeNull();
  });

  it('escapes ids so they cannot reach another path', async () => {
    glance.reply(replyJson(404, {}));

    await adapter().getImage('../schemas');

    expect(glance.requests[0].url).toBe('/v2/images/..%2Fschemas');
  });

  it('uses the standard dialect for translation when the connection says so', async () => {
    glance.reply(replyJson(200, { ...glanceImage('x'), architecture: 'aarch64', nhncloud_product: 'gpu' }));

    const image = await adapter({ dialect: 'standard', region: undefined }).getImage('x');

    expect(image).toMatchObject({ region: '', gpu: null, os: { architecture: 'aarch64' } });
  });

  it('surfaces other failures as the port errors', async () => {
    glance.reply(replyJson(404, {}));

    await expect(collect(adapter().listImages())).rejects.toBeInstanceOf(ProviderNotFoundError);
  });
});
