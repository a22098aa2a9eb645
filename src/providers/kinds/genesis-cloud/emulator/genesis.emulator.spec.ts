import { createGenesisEmulator, type GenesisEmulator } from './genesis.emulator';
import { GENESIS_DOCUMENTED_IMAGES, generateGenesisSeed } from './genesis-seed';
import { GENESIS_IMAGE_TYPES, GENESIS_REGIONS, type GenesisImageInit } from './genesis.types';

const TOKEN = 'genesis-test-token';

describe('Genesis Cloud emulator', () => {
  let emulator: GenesisEmulator;
  let url: string;

  async function start(images: GenesisImageInit[], tokens: string[] = [TOKEN]): Promise<void> {
    emulator = createGenesisEmulator({ tokens, images });
    url = await emulator.listen();
  }

  afterEach(() => emulator?.close());

  const get = (path: string, token: string | null = TOKEN) =>
    fetch(`${url}${path}`, { headers: token === null ? {} : { Authorization: `Bearer ${token}` } });

  const numbered = (n: number, type: GenesisImageInit['type'] = 'snapshot'): GenesisImageInit[] =>
    Array.from({ length: n }, (_, i) => ({
      id: `img-${i + 1}`,
      type,
      name: `image ${i + 1}`,
      regions: ['NORD-NO-KRS-1'],
    }));

  describe('authentication', () => {
    beforeEach(() => start(numbered(1)));

    it('answers 401 with a {code, message} body without a token', async () => {
      const response = await get('/compute/v1/images', null);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(await response.json()).toEqual({ code: '01001', message: 'unauthorized: missing or invalid API token' });
    });

    it('answers 401 to a wrong token and to a token sent under another scheme', async () => {
      expect((await get('/compute/v1/images', 'wrong-token')).status).toBe(401);
      const basic = await fetch(`${url}/compute/v1/images`, { headers: { Authorization: `Token ${TOKEN}` } });
      expect(basic.status).toBe(401);
    });

    it('accepts any non-empty token when none is configured', async () => {
      await emulator.close();
      await start(numbered(1), []);
      expect((await get('/compute/v1/images', 'anything')).status).toBe(200);
      expect((await get('/compute/v1/images', null)).status).toBe(401);
    });
  });

  describe('GET /compute/v1/images', () => {
    it("answers the documented example in Genesis' own shape and key order, 50 per page by default", async () => {
      await start([...GENESIS_DOCUMENTED_IMAGES]);

      const response = await get('/compute/v1/images');
      const text = await response.text();

      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(JSON.parse(text)).toEqual({ images: GENESIS_DOCUMENTED_IMAGES, total_count: 4, page: 1, per_page: 50 });
      expect(Object.keys(JSON.parse(text).images[0])).toEqual([
        'id',
        'type',
        'family',
        'slug',
        'name',
        'os_type',
        'regions',
        'versions',
        'created_at',
        'updated_at',
      ]);
    });

    it('pages with page and per_page, and answers an empty page past the end', async () => {
      await start(numbered(5));

      const page = async (query: string) =>
        (await (await get(`/compute/v1/images?${query}`)).json()) as {
          images: { id: string }[];
          total_count: number;
          page: number;
          per_page: number;
        };

      const second = await page('per_page=2&page=2');
      expect(second.images.map((i) => i.id)).toEqual(['img-3', 'img-4']);
      expect(second).toMatchObject({ total_count: 5, page: 2, per_page: 2 });
      expect((await page('per_page=2&page=3')).images.map((i) => i.id)).toEqual(['img-5']);
      expect((await page('per_page=2&page=4')).images).toEqual([]);
      expect((await page('per_page=100')).images).toHaveLength(5);
    });

    it('filters by type, counting only that type', async () => {
      await start([...numbered(3, 'snapshot'), { id: 'base', type: 'base-os', name: 'Ubuntu 22.04' }]);

      const body = (await (await get('/compute/v1/images?type=base-os')).json()) as {
        images: { id: string }[];
        total_count: number;
      };

      expect(body.images.map((i) => i.id)).toEqual(['base']);
      expect(body.total_count).toBe(1);
    });

    it.each([
      ['type=gpu', "invalid type 'gpu': must be one of base-os, cloud-image, preconfigured, snapshot"],
      ['per_page=101', "invalid per_page '101': must be a positive integer lower than or equal to 100"],
      ['per_page=0', "invalid per_page '0': must be a positive integer lower than or equal to 100"],
      ['page=0', "invalid page '0': must be a positive integer"],
      ['page=two', "invalid page 'two': must be a positive integer"],
    ])('refuses %s with a 400 {code, message}', async (query, message) => {
      await start(numbered(1));
      const response = await get(`/compute/v1/images?${query}`);
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ code: '02002', message });
    });

    it('answers routes Genesis does not have, such as get-by-id, with 404 "Invalid route"', async () => {
      await start(numbered(1));
      for (const path of ['/compute/v1/images/img-1', '/nowhere']) {
        const response = await get(path);
        expect(response.status).toBe(404);
        expect(await response.json()).toEqual({ code: '02001', message: 'Invalid route' });
      }
    });
  });

  describe('fault injection', () => {
    beforeEach(() => start(numbered(1)));

    it('injects 5xx and 429 in the {code, message} dialect, before authentication', async () => {
      emulator.faults.enqueue({ kind: 'error', status: 503 }, { kind: 'throttle', retryAfterSeconds: 2 });

      const failed = await get('/compute/v1/images', null);
      expect(failed.status).toBe(503);
      expect(await failed.json()).toEqual({ code: '01000', message: 'Injected failure.' });

      const throttled = await get('/compute/v1/images');
      expect(throttled.status).toBe(429);
      expect(throttled.headers.get('retry-after')).toBe('2');
      expect(await throttled.json()).toEqual({ code: '01002', message: 'Rate limit exceeded, retry later.' });

      expect((await get('/compute/v1/images')).status).toBe(200);
    });

    it('is switched at run time through /_emulator/faults without a token', async () => {
      const put = await fetch(`${url}/_emulator/faults`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ errorRate: 1 }),
      });
      expect(put.status).toBe(200);
      expect((await get('/compute/v1/images')).status).toBeGreaterThanOrEqual(500);
      expect((await fetch(`${url}/_emulator/faults`, { method: 'DELETE' })).status).toBe(204);
      expect((await get('/compute/v1/images')).status).toBe(200);
    });
  });

  it('listens on 127.0.0.1 only', async () => {
    await start([]);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});

describe('generateGenesisSeed', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    expect(generateGenesisSeed({ count: 200, seed: 7 })).toEqual(generateGenesisSeed({ count: 200, seed: 7 }));
    expect(generateGenesisSeed({ count: 200, seed: 7 })).not.toEqual(generateGenesisSeed({ count: 200, seed: 8 }));
  });

  it("opens with Genesis' documented images verbatim, then the public catalogue, then snapshots and older builds", () => {
    const images = generateGenesisSeed({ count: 300, seed: 1 });

    expect(images).toHaveLength(300);
    expect(images.slice(0, 4)).toEqual(GENESIS_DOCUMENTED_IMAGES);
    expect(new Set(images.map((i) => i.type))).toEqual(new Set(GENESIS_IMAGE_TYPES));
    expect(images.map((i) => i.name)).toEqual(
      expect.arrayContaining([
        'Ubuntu 20.04',
        'Ubuntu 22.04',
        'Ubuntu 24.04',
        'Debian 12',
        'Ubuntu 22.04 + NVIDIA driver 550 + CUDA 12.4',
      ]),
    );
    expect(new Set(images.map((i) => i.id)).size).toBe(300);
  });

  it('follows the documented schema: versions only on cloud-images, known regions, ISO timestamps', () => {
    for (const image of generateGenesisSeed({ count: 500, seed: 3 })) {
      if (image.type !== 'cloud-image') expect(image.versions).toEqual([]);
      else expect(image.versions.length).toBeGreaterThan(0);
      expect(image.regions.length).toBeGreaterThan(0);
      for (const region of image.regions) expect(GENESIS_REGIONS).toContain(region);
      expect(image.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(image.updated_at >= image.created_at).toBe(true);
      expect(image.slug === null).toBe(image.type === 'snapshot');
    }
  });

  it('honours small counts, custom regions and leaving the documented images out', () => {
    expect(generateGenesisSeed({ count: 2, seed: 1 })).toEqual(GENESIS_DOCUMENTED_IMAGES.slice(0, 2));
    const own = generateGenesisSeed({ count: 50, seed: 1, regions: ['ARC-IS-HAF-1'], documentedExamples: false });
    expect(own.every((i) => i.regions.every((r) => r === 'ARC-IS-HAF-1'))).toBe(true);
    expect(() => generateGenesisSeed({ count: -1, seed: 1 })).toThrow(RangeError);
  });

  it('produces 10,000 images in well under a second', () => {
    const started = performance.now();
    const images = generateGenesisSeed({ count: 10_000, seed: 42 });
    expect(images).toHaveLength(10_000);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
