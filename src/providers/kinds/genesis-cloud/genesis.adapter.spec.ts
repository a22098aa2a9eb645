import type { GenesisConnection } from '../../connections/provider-connection.types';
import { replyJson, ScriptedHttpServer } from '../../../platform/outbound-http/testing/scripted-http-server';
import type { NormalizedImage } from '../../port/normalized-image';
import {
  ProviderAuthError,
  ProviderNotFoundError,
  ProviderProtocolError,
  ProviderRejectedError,
  ProviderUnavailableError,
} from '../../../platform/errors/provider.errors';
import { createGenesisEmulator, type GenesisEmulator } from './emulator/genesis.emulator';
import { GENESIS_DOCUMENTED_IMAGES, generateGenesisSeed } from './emulator/genesis-seed';
import type { GenesisImageInit } from './emulator/genesis.types';
import { createGenesisAdapter, GenesisAdapter, type GenesisAdapterOptions } from './genesis.adapter';
import type { GenesisImageType } from './genesis-image.payload';

const TOKEN = 'genesis-secret-token-123';

async function collect(images: AsyncIterable<NormalizedImage>): Promise<NormalizedImage[]> {
  const all: NormalizedImage[] = [];
  for await (const image of images) all.push(image);
  return all;
}

const connection = (endpoint: string, token = TOKEN): GenesisConnection => ({
  name: 'genesis',
  kind: 'genesis-cloud',
  endpoint,
  auth: { type: 'bearer', token },
});

/** Backoff waits skipped so retries cost no wall time. */
const fast: GenesisAdapterOptions['http'] = { sleep: async () => undefined };

describe('GenesisAdapter against the Genesis emulator', () => {
  let emulator: GenesisEmulator;
  let endpoint: string;
  let requested: string[];

  async function start(images: GenesisImageInit[]): Promise<void> {
    emulator = createGenesisEmulator({ tokens: [TOKEN], images });
    requested = [];
    // Hooks can be added until the server is ready: record what the adapter asked for.
    emulator.app.addHook('onRequest', async (request) => {
      if (!request.url.startsWith('/_emulator')) requested.push(request.url);
    });
    endpoint = await emulator.listen();
  }

  afterEach(() => emulator?.close());

  const adapter = (options: GenesisAdapterOptions = {}, token = TOKEN) =>
    new GenesisAdapter(connection(endpoint, token), { http: fast, ...options });

  it('declares only list and get, no fixed regions, and its kind', async () => {
    await start([]);
    const genesis = createGenesisAdapter(connection(endpoint));

    expect(genesis).toMatchObject({ name: 'genesis', kind: 'genesis-cloud', regions: [] });
    expect(
      Object.entries(genesis.capabilities)
        .filter(([, supported]) => supported)
        .map(([op]) => op),
    ).toEqual(['list', 'get']);
  });

  it('reads every page to the end with a small per_page, one image per listed region', async () => {
    await start([
      ...GENESIS_DOCUMENTED_IMAGES,
      ...generateGenesisSeed({ count: 6, seed: 5, documentedExamples: false }),
    ]);

    const images = await collect(adapter({ pageSize: 3 }).listImages());

    const expected = emulator.store.all().flatMap((image) => image.regions.map((region) => `${region}/${image.id}`));
    expect(images.map((i) => `${i.region}/${i.nativeId}`)).toEqual(expected);
    expect(requested).toEqual([
      '/compute/v1/images?page=1&per_page=3',
      '/compute/v1/images?page=2&per_page=3',
      '/compute/v1/images?page=3&per_page=3',
      '/compute/v1/images?page=4&per_page=3',
    ]);
    expect(images.find((i) => i.nativeId === GENESIS_DOCUMENTED_IMAGES[0].id)).toMatchObject({
      kind: 'cloud-image',
      versions: ['20240308'],
      properties: { regions: ['EUC-DE-MUC-1', 'NORD-NO-KRS-1'] },
    });
  });

  it('asks for 100 per page by default, the most Genesis allows', async () => {
    await start(generateGenesisSeed({ count: 250, seed: 9 }));

    const images = await collect(adapter().listImages());

    expect(new Set(images.map((i) => i.nativeId)).size).toBe(250);
    expect(requested).toEqual([1, 2, 3].map((page) => `/compute/v1/images?page=${page}&per_page=100`));
  });

  it('lists only the configured image types, filtering with ?type=', async () => {
    await start(generateGenesisSeed({ count: 60, seed: 2 }));
    const types: GenesisImageType[] = ['snapshot', 'preconfigured'];

    const images = await collect(adapter({ types, pageSize: 100 }).listImages());

    const wanted = emulator.store.all().filter((i) => i.type === 'snapshot' || i.type === 'preconfigured');
    expect(new Set(images.map((i) => i.nativeId))).toEqual(new Set(wanted.map((i) => i.id)));
    expect(images.every((i) => i.kind === 'snapshot' || i.kind === 'preconfigured')).toBe(true);
    expect(requested).toEqual([
      '/compute/v1/images?type=snapshot&page=1&per_page=100',
      '/compute/v1/images?type=preconfigured&page=1&per_page=100',
    ]);
  });

  it('fetches the next page only when the consumer asks for more', async () => {
    await start(generateGenesisSeed({ count: 10, seed: 1 }));

    for await (const image of adapter({ pageSize: 2 }).listImages()) {
      expect(image.nativeId).toBe(GENESIS_DOCUMENTED_IMAGES[0].id);
      break;
    }

    expect(requested).toHaveLength(1);
  });

  it('sends the token as a Bearer header and refuses with ProviderAuthError on a wrong one, never echoing it', async () => {
    await start(GENESIS_DOCUMENTED_IMAGES.slice(0, 1));
    const wrong = 'a-wrong-but-long-token';

    const error = await collect(adapter({}, wrong).listImages()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ProviderAuthError);
    expect((error as ProviderAuthError).upstreamStatus).toBe(401);
    expect((error as Error).message).toContain('unauthorized: missing or invalid API token');
    expect((error as Error).message).not.toContain(wrong);
  });

  it("turns Genesis' {code, message} 400 into ProviderRejectedError keeping code and message", async () => {
    await start([]);
    const unknownType = 'gpu' as GenesisImageType;

    const error = await collect(adapter({ types: [unknownType] }).listImages()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ProviderRejectedError);
    expect((error as Error).message).toBe(
      "Provider 'genesis' answered 400 Bad Request to GET /compute/v1/images: " +
        "02002: invalid type 'gpu': must be one of base-os, cloud-image, preconfigured, snapshot",
    );
  });

  it('turns a 404 "Invalid route" (a wrong endpoint prefix) into ProviderNotFoundError', async () => {
    await start([]);
    const misplaced = new GenesisAdapter(connection(`${endpoint}/api`), { http: fast });

    await expect(collect(misplaced.listImages())).rejects.toThrow(
      new ProviderNotFoundError(
        'genesis',
        "Provider 'genesis' answered 404 Not Found to GET /api/compute/v1/images: 02001: Invalid route",
      ),
    );
  });

  it('gives up with ProviderUnavailableError, keeping the message, when 5xx outlasts the retries', async () => {
    await start([]);
    emulator.faults.set({ errorRate: 1, errorStatuses: [503] });

    const error = await collect(adapter({ http: { ...fast, maxRetries: 2 } }).listImages()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect((error as Error).message).toContain('503 Service Unavailable');
    expect((error as Error).message).toContain('01000: Injected failure.');
    expect(emulator.faults.stats().errors).toBe(3);
  });

  it('still lists everything when 20% of calls fail with injected 5xx and 429', async () => {
    await start(generateGenesisSeed({ count: 400, seed: 11 }));
    const clean = await collect(adapter({ pageSize: 10 }).listImages());
    emulator.faults.set({ errorRate: 0.1, throttleRate: 0.1, retryAfterSeconds: 0, seed: 20 });

    const faulty = await collect(adapter({ pageSize: 10, http: { ...fast, maxRetries: 8 } }).listImages());

    expect(faulty).toEqual(clean);
    const stats = emulator.faults.stats();
    expect(stats.errors).toBeGreaterThan(0);
    expect(stats.throttled).toBeGreaterThan(0);
  });

  describe('getImage', () => {
    beforeEach(() =>
      start([...GENESIS_DOCUMENTED_IMAGES, ...generateGenesisSeed({ count: 30, seed: 4, documentedExamples: false })]),
    );
    const pytorch = GENESIS_DOCUMENTED_IMAGES[0];

    it('finds an image in the region asked for', async () => {
      const image = await adapter().getImage(pytorch.id, 'NORD-NO-KRS-1');
      expect(image).toMatchObject({
        nativeId: pytorch.id,
        region: 'NORD-NO-KRS-1',
        name: 'Ubuntu ML PyTorch for NVIDIA®',
      });
    });

    it('answers its first listed region when no region is given', async () => {
      expect((await adapter().getImage(pytorch.id))?.region).toBe('EUC-DE-MUC-1');
    });

    it('answers null for a region the image is not listed in, and for an unknown id', async () => {
      await expect(adapter().getImage(pytorch.id, 'ARC-IS-HAF-1')).resolves.toBeNull();
      await expect(adapter().getImage('no-such-image')).resolves.toBeNull();
      await expect(adapter().getImage('')).resolves.toBeNull();
    });

    it('stops reading pages once it has found the image', async () => {
      await adapter({ pageSize: 2 }).getImage(GENESIS_DOCUMENTED_IMAGES[1].id);
      expect(requested).toEqual(['/compute/v1/images?page=1&per_page=2']);
    });
  });
});

describe('GenesisAdapter against scripted answers', () => {
  let genesis: ScriptedHttpServer;

  beforeAll(async () => (genesis = await ScriptedHttpServer.start()));
  afterAll(() => genesis.close());
  beforeEach(() => genesis.reset());

  const adapter = (pageSize = 2) => new GenesisAdapter(connection(genesis.url), { pageSize, http: fast });
  const listed = (id: string) => ({ id, type: 'snapshot', name: id, regions: ['NORD-NO-KRS-1'] });

  it("maps the seed's incompatible-image error body to ProviderRejectedError with Genesis' code and message", async () => {
    genesis.reply(replyJson(400, { code: '02035', message: 'the selected image cannot be run on this instance' }));

    await expect(collect(adapter().listImages())).rejects.toThrow(
      new ProviderRejectedError(
        'genesis',
        "Provider 'genesis' answered 400 Bad Request to GET /compute/v1/images: 02035: the selected image cannot be run on this instance",
      ),
    );
  });

  it('yields an image once when a shifted page repeats it', async () => {
    genesis.reply(
      replyJson(200, { images: [listed('a'), listed('b')], total_count: 3, page: 1, per_page: 2 }),
      replyJson(200, { images: [listed('b'), listed('c')], total_count: 4, page: 2, per_page: 2 }),
      replyJson(200, { images: [], total_count: 4, page: 3, per_page: 2 }),
    );

    expect((await collect(adapter().listImages())).map((i) => i.nativeId)).toEqual(['a', 'b', 'c']);
  });

  it('does not stop early on a total_count smaller than the images, as in the documented example', async () => {
    genesis.reply(
      replyJson(200, { images: [listed('a'), listed('b')], total_count: 2, page: 1, per_page: 2 }),
      replyJson(200, { images: [listed('c')], total_count: 2, page: 2, per_page: 2 }),
    );

    expect((await collect(adapter().listImages())).map((i) => i.nativeId)).toEqual(['a', 'b', 'c']);
  });

  it('stops with ProviderProtocolError when Genesis answers every page with the first one', async () => {
    genesis.otherwise(replyJson(200, { images: [listed('a'), listed('b')], total_count: 9, page: 1, per_page: 2 }));

    await expect(collect(adapter().listImages())).rejects.toBeInstanceOf(ProviderProtocolError);
    expect(genesis.requests).toHaveLength(2);
  });

  it('rejects an answer that is not an image list', async () => {
    genesis.reply(replyJson(200, { instances: [] }));

    await expect(collect(adapter().listImages())).rejects.toBeInstanceOf(ProviderProtocolError);
  });

  it('refuses a page size Genesis would refuse', () => {
    expect(() => adapter(101)).toThrow(RangeError);
    expect(() => adapter(0)).toThrow(RangeError);
  });
});
