import type { FptConnection } from '../../connections/provider-connection.types';
import { replyJson, ScriptedHttpServer } from '../../../platform/outbound-http/testing/scripted-http-server';
import type { NormalizedImage } from '../../port/normalized-image';
import {
  ProviderAuthError,
  ProviderProtocolError,
  ProviderRejectedError,
  ProviderUnavailableError,
} from '../../../platform/errors/provider.errors';
import { createFptEmulator, type FptEmulator } from './emulator/fpt.emulator';
import { generateFptSeed } from './emulator/fpt-seed';
import { createFptAdapter, FptAdapter, type FptAdapterOptions } from './fpt.adapter';

const VPC = '0f6c1f2e-3b4a-4d5e-8f90-123456789abc';
const TOKEN = 'fpt-adapter-test-token';

async function collect(images: AsyncIterable<NormalizedImage>): Promise<NormalizedImage[]> {
  const all: NormalizedImage[] = [];
  for await (const image of images) all.push(image);
  return all;
}

describe('FptAdapter against the FPT Metal Cloud emulator', () => {
  const seed = generateFptSeed({ count: 120, seed: 11, vpcId: VPC });
  let emulator: FptEmulator;
  let endpoint: string;

  beforeAll(async () => {
    emulator = createFptEmulator({ vpcId: VPC, tokens: [TOKEN], ...seed });
    endpoint = await emulator.listen();
  });
  afterAll(() => emulator.close());
  afterEach(() => {
    emulator.faults.clear();
    emulator.faults.resetStats();
  });

  function connection(extra: Partial<FptConnection> = {}): FptConnection {
    return {
      name: 'fpt-hcm',
      kind: 'fpt-metal-cloud',
      endpoint,
      vpcId: VPC,
      region: 'hcm',
      auth: { type: 'bearer', token: TOKEN },
      ...extra,
    };
  }

  const adapter = (extra: Partial<FptConnection> = {}, http: FptAdapterOptions['http'] = {}) =>
    new FptAdapter(connection(extra), { http: { sleep: async () => undefined, ...http } });

  it('declares list, get, create, upload and delete, and nothing else', () => {
    const fpt = createFptAdapter(connection());

    expect(fpt).toMatchObject({ name: 'fpt-hcm', kind: 'fpt-metal-cloud', regions: ['hcm'] });
    expect(fpt.capabilities).toEqual({
      list: true,
      get: true,
      create: true,
      upload: true,
      delete: true,
      download: false,
      update: false,
      tags: false,
      members: false,
    });
    expect(adapter({ region: undefined }).regions).toEqual([]);
  });

  it('lists the public images and then the custom images of the VPC', async () => {
    const images = await collect(adapter().listImages());

    expect(images).toHaveLength(seed.publicImages.length + seed.customImages.length);
    expect(images.slice(0, seed.publicImages.length).map((i) => i.nativeId)).toEqual(
      seed.publicImages.map((i) => i.id),
    );
    expect(images.slice(seed.publicImages.length).map((i) => i.nativeId)).toEqual(seed.customImages.map((i) => i.id));
    expect(images.every((image) => image.region === 'hcm')).toBe(true);
  });

  it('makes custom images kind custom and public ones base-os or preconfigured', async () => {
    const images = await collect(adapter().listImages());
    const customIds = new Set(seed.customImages.map((image) => image.id));

    const custom = images.filter((image) => customIds.has(image.nativeId));
    const publicOnes = images.filter((image) => !customIds.has(image.nativeId));
    expect(new Set(custom.map((image) => image.kind))).toEqual(new Set(['custom']));
    expect(new Set(custom.map((image) => image.visibility))).toEqual(new Set(['private']));
    expect(new Set(publicOnes.map((image) => image.kind))).toEqual(new Set(['base-os', 'preconfigured']));
    // FPT's custom list states no status, size or sha256 (seed 000): unknown, never guessed.
    expect(new Set(custom.map((image) => image.status))).toEqual(new Set([null]));
    expect(custom.every((image) => image.sizeBytes === null && image.checksums.sha256 === null)).toBe(true);
    expect(custom.every((image) => image.name !== null && image.createdAt !== null)).toBe(true);
    expect(publicOnes[0].gpu).toMatchObject({
      vendor: 'nvidia',
      models: expect.arrayContaining([expect.stringMatching(/^H[12]00$/)]),
    });
  });

  it('gets one image by id from either list, and null for one FPT does not have', async () => {
    const fpt = adapter();

    await expect(fpt.getImage(seed.customImages[3].id)).resolves.toMatchObject({
      kind: 'custom',
      name: seed.customImages[3].name,
    });
    await expect(fpt.getImage(seed.publicImages[2].id)).resolves.toMatchObject({ visibility: 'public' });
    await expect(fpt.getImage('00000000-0000-4000-8000-000000000000')).resolves.toBeNull();
    await expect(fpt.getImage('')).resolves.toBeNull();
  });

  it('fails with ProviderAuthError carrying FPT’s message when the token is wrong', async () => {
    const failure = await collect(adapter({ auth: { type: 'bearer', token: 'wrong-token' } }).listImages()).catch(
      (e: unknown) => e,
    );

    expect(failure).toBeInstanceOf(ProviderAuthError);
    expect((failure as ProviderAuthError).upstreamStatus).toBe(401);
    expect((failure as Error).message).toContain('Invalid token or token has expired.');
    expect((failure as Error).message).not.toContain('wrong-token');
  });

  it('fails with ProviderAuthError and FPT’s reason for a VPC the token cannot reach', async () => {
    const failure = await collect(adapter({ vpcId: '11111111-2222-4333-8444-555555555555' }).listImages()).catch(
      (e: unknown) => e,
    );

    expect(failure).toBeInstanceOf(ProviderAuthError);
    expect((failure as Error).message).toContain('You do not have permission to access this VPC.');
  });

  it('fails with ProviderUnavailableError and FPT’s message when 5xx outlast the retries', async () => {
    emulator.faults.set({ errorRate: 1, errorStatuses: [500] });

    const failure = await collect(adapter({}, { maxRetries: 2 }).listImages()).catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(ProviderUnavailableError);
    expect((failure as Error).message).toContain('Injected failure.');
    expect(emulator.faults.stats().errors).toBe(3);
  });

  it('completes every listing through 20% injected 5xx and 429 answers', async () => {
    emulator.faults.set({ errorRate: 0.1, throttleRate: 0.1, retryAfterSeconds: 0, seed: 2025 });
    const fpt = adapter();

    for (let run = 0; run < 10; run++) {
      const images = await collect(fpt.listImages());
      expect(images).toHaveLength(seed.publicImages.length + seed.customImages.length);
    }
    const stats = emulator.faults.stats();
    expect(stats.errors).toBeGreaterThan(0);
    expect(stats.throttled).toBeGreaterThan(0);
  });
});

describe('FptAdapter against scripted answers', () => {
  let fpt: ScriptedHttpServer;

  beforeAll(async () => (fpt = await ScriptedHttpServer.start()));
  afterAll(() => fpt.close());
  beforeEach(() => fpt.reset());

  const adapter = () =>
    new FptAdapter(
      {
        name: 'fpt-x',
        kind: 'fpt-metal-cloud',
        endpoint: `${fpt.url}/prefix`,
        vpcId: VPC,
        auth: { type: 'bearer', token: TOKEN },
      },
      { http: { sleep: async () => undefined } },
    );

  it('calls the seed paths under the endpoint prefix with the bearer token', async () => {
    fpt.reply(replyJson(200, { data: [{ id: 'p1' }] }), replyJson(200, { data: [{ id: 'c1' }] }));

    const images = await collect(adapter().listImages());

    expect(images.map((i) => [i.nativeId, i.kind])).toEqual([
      ['p1', 'base-os'],
      ['c1', 'custom'],
    ]);
    expect(fpt.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      `GET /prefix/api/v2/vmware/vpc/${VPC}/hpc/images`,
      `GET /prefix/api/v2/vmware/vpc/${VPC}/hpc/custom-images`,
    ]);
    expect(fpt.requests.every((r) => r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });

  it('turns an FPT 4xx envelope into ProviderRejectedError with FPT’s message', async () => {
    fpt.reply(replyJson(400, { status: false, error_code: '1503002', message: 'VPC is suspended', data: null }));

    const failure = await collect(adapter().listImages()).catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(ProviderRejectedError);
    expect((failure as Error).message).toContain('VPC is suspended');
  });

  it('refuses a list that is not {data: [...]} with an id on every item', async () => {
    fpt.reply(replyJson(200, { images: [] }));
    await expect(collect(adapter().listImages())).rejects.toBeInstanceOf(ProviderProtocolError);

    fpt.reply(replyJson(200, { data: [{ name: 'no id' }] }));
    await expect(collect(adapter().listImages())).rejects.toBeInstanceOf(ProviderProtocolError);
  });

  it('does not fetch the custom list when the consumer stops during the public one', async () => {
    fpt.reply(replyJson(200, { data: [{ id: 'p1' }, { id: 'p2' }] }));

    for await (const image of adapter().listImages()) {
      expect(image.nativeId).toBe('p1');
      break;
    }

    expect(fpt.requests).toHaveLength(1);
  });

  it('looks in the custom list first and stops as soon as it finds the id', async () => {
    fpt.reply(replyJson(200, { data: [{ id: 'c1', status: 'uploading' }] }));

    await expect(adapter().getImage('c1')).resolves.toMatchObject({
      nativeId: 'c1',
      kind: 'custom',
      status: 'uploading',
    });
    expect(fpt.requests.map((r) => r.url)).toEqual([`/prefix/api/v2/vmware/vpc/${VPC}/hpc/custom-images`]);
  });
});
