import type { NscaleConnection, OAuth2ClientCredentialsAuth } from '../../connections/provider-connection.types';
import { replyJson, ScriptedHttpServer } from '../../../platform/outbound-http/testing/scripted-http-server';
import type { NormalizedImage } from '../../port/normalized-image';
import { ProviderAuthError, ProviderNotFoundError, ProviderProtocolError } from '../../../platform/errors/provider.errors';
import {
  createNscaleEmulator,
  type NscaleEmulator,
  type NscaleEmulatorOptions,
} from './emulator/nscale.emulator';
import { generateNscaleSeed } from './emulator/nscale-seed';
import { createNscaleAdapter, NscaleAdapter, type NscaleAdapterOptions } from './nscale.adapter';
import { OAuth2ClientCredentialsSource } from './oauth2-client-credentials';

const ORG = '9f1c2d3e-aaaa-bbbb-cccc-0123456789ab';
const EU = '2b3a9b56-4c2f-4a6b-9a55-7a8e4c1b9d01';
const US = '7d1e2f3a-1111-4222-8333-444455556666';
const TOKEN = 'nscale-static-token';
const CLIENT = { clientId: 'image-broker', clientSecret: 'client-s3cret' };
const TRACE = /\(trace_id [0-9a-f]{32}\)/;
const SEED = generateNscaleSeed({ count: 1_200, seed: 3, regionIds: [EU, US], organizationId: ORG });

/** Skip backoff waits: the emulator's Retry-After would otherwise park the test. */
const noWait: NscaleAdapterOptions['http'] = { sleep: async () => undefined };

async function collect(images: AsyncIterable<NormalizedImage>): Promise<NormalizedImage[]> {
  const all: NormalizedImage[] = [];
  for await (const image of images) all.push(image);
  return all;
}

/** What the organization may see: global images and its own, never another organization's. */
function visibleIn(region: string): { ours: string[]; global: string[] } {
  const inRegion = SEED.filter((r) => r.regionId === region);
  return {
    ours: inRegion.filter((r) => r.organizationId === ORG).map((r) => r.image.metadata.id),
    global: inRegion.filter((r) => r.organizationId === null).map((r) => r.image.metadata.id),
  };
}

describe('NscaleAdapter against the nscale emulator', () => {
  let emulator: NscaleEmulator;
  let url: string;
  let clock: number;
  let requests: string[];
  let statuses: number[];

  async function start(opts: NscaleEmulatorOptions = {}): Promise<void> {
    emulator = createNscaleEmulator({
      organizationId: ORG,
      regionIds: [EU, US],
      images: SEED,
      tokens: [TOKEN],
      oauth2: { ...CLIENT, tokenTtlSeconds: 600 },
      now: () => clock,
      ...opts,
    });
    emulator.app.addHook('onRequest', async (request) => void requests.push(`${request.method} ${request.url}`));
    emulator.app.addHook('onResponse', async (_request, reply) => void statuses.push(reply.statusCode));
    url = await emulator.listen();
  }

  beforeEach(() => {
    clock = Date.parse('2025-10-01T08:00:00Z');
    requests = [];
    statuses = [];
  });
  afterEach(() => emulator.close());

  function connection(extra: Partial<NscaleConnection> = {}): NscaleConnection {
    return {
      name: 'nscale-eu',
      kind: 'nscale',
      endpoint: url,
      regions: [EU, US],
      organizationId: ORG,
      auth: { type: 'bearer', token: TOKEN },
      ...extra,
    };
  }

  const oauth2 = (extra: Partial<OAuth2ClientCredentialsAuth> = {}): OAuth2ClientCredentialsAuth => ({
    type: 'oauth2-client-credentials',
    tokenUrl: `${url}/oauth2/v2/token`,
    ...CLIENT,
    ...extra,
  });

  const adapter = (extra: Partial<NscaleConnection> = {}, http: NscaleAdapterOptions['http'] = noWait) =>
    new NscaleAdapter(connection(extra), { http });

  describe('declared shape', () => {
    beforeEach(() => start());

    it('declares list and get only, its kind and its regions', () => {
      const nscale = createNscaleAdapter(connection({ regions: [EU, US, EU] }));

      expect(nscale).toMatchObject({ name: 'nscale-eu', kind: 'nscale', regions: [EU, US] });
      expect(
        Object.entries(nscale.capabilities)
          .filter(([, supported]) => supported)
          .map(([op]) => op),
      ).toEqual(['list', 'get']);
    });
  });

  describe('listing', () => {
    beforeEach(() => start());

    it('reads each configured region, owned images first, then the available ones, with the seed’s filters', async () => {
      await collect(adapter().listImages());

      const filters = `organizationID=${ORG}&status=pending&status=creating&status=ready&status=failed`;
      const sorted = (q: string) => q.split('&').sort().join('&');
      expect(requests.map((r) => r.replace(/\?(.*)$/, (_m, q: string) => `?${sorted(q)}`))).toEqual(
        [EU, US].flatMap((region) => [
          `GET /api/v2/regions/${region}/images?${sorted(`${filters}&scope=owned`)}`,
          `GET /api/v2/regions/${region}/images?${sorted(`${filters}&scope=available`)}`,
        ]),
      );
    });

    it('lists every image the organization can see, in every state, each under its own region', async () => {
      const images = await collect(adapter().listImages());

      for (const region of [EU, US]) {
        const { ours, global } = visibleIn(region);
        const listed = images.filter((i) => i.region === region).map((i) => i.nativeId);
        expect(listed.sort()).toEqual([...ours, ...global].sort());
      }
      expect(new Set(images.map((i) => i.status))).toEqual(new Set(['pending', 'uploading', 'active', 'failed']));
    });

    it('marks the organization’s images private custom and global ones public base-os or preconfigured', async () => {
      const images = await collect(adapter().listImages());
      const ours = new Set(visibleIn(EU).ours);

      for (const image of images.filter((i) => i.region === EU)) {
        if (ours.has(image.nativeId)) {
          expect(image).toMatchObject({ kind: 'custom', visibility: 'private' });
        } else {
          expect(image.visibility).toBe('public');
          expect(image.kind).toBe(image.softwareVersions === null ? 'base-os' : 'preconfigured');
        }
      }
    });

    it('never lists an image twice although the available scope repeats the owned images', async () => {
      const images = await collect(adapter().listImages());

      expect(new Set(images.map((i) => `${i.region}/${i.nativeId}`)).size).toBe(images.length);
    });

    it('translates the wire payload: GPU, OS, software versions and name=value tags', async () => {
      const images = await collect(adapter().listImages());
      const tagged = images.find((i) => i.tags.length > 0);

      expect(tagged?.tags.every((t) => /^[a-z-]+=.+$/.test(t))).toBe(true);
      expect(images.some((i) => i.gpu?.vendor === 'nvidia' && i.gpu.models.includes('H100'))).toBe(true);
      expect(images.every((i) => i.os.distro === 'ubuntu' && i.os.family === 'debian')).toBe(true);
      expect(images.some((i) => i.softwareVersions?.kubernetes !== undefined)).toBe(true);
    });

    it('gets one image from its region’s listing, and null for an unknown id or region', async () => {
      const ours = SEED.find((r) => r.regionId === US && r.organizationId === ORG);
      const global = SEED.find((r) => r.regionId === US && r.organizationId === null);
      const nscale = adapter();

      await expect(nscale.getImage(ours?.image.metadata.id ?? '', US)).resolves.toMatchObject({
        region: US,
        kind: 'custom',
      });
      await expect(nscale.getImage(global?.image.metadata.id ?? '')).resolves.toMatchObject({
        region: US,
        visibility: 'public',
      });
      await expect(nscale.getImage('no-such-image')).resolves.toBeNull();
      await expect(nscale.getImage(global?.image.metadata.id ?? '', EU)).resolves.toBeNull();
      await expect(nscale.getImage(global?.image.metadata.id ?? '', 'not-configured')).resolves.toBeNull();
    });

    it('never returns another organization’s image, even by id', async () => {
      const foreign = SEED.find((r) => r.organizationId !== null && r.organizationId !== ORG);

      await expect(adapter().getImage(foreign?.image.metadata.id ?? '', foreign?.regionId)).resolves.toBeNull();
    });
  });

  describe('errors', () => {
    beforeEach(() => start());

    it('reports a wrong static token as ProviderAuthError carrying the seed’s 401 body and its trace_id', async () => {
      const error = await collect(adapter({ auth: { type: 'bearer', token: 'wrong' } }).listImages()).catch(
        (e: unknown) => e,
      );

      expect(error).toBeInstanceOf(ProviderAuthError);
      expect((error as ProviderAuthError).upstreamStatus).toBe(401);
      expect((error as Error).message).toMatch(/access_denied: authentication failed \(trace_id [0-9a-f]{32}\)/);
      expect((error as Error).message).not.toContain('wrong');
    });

    it('reports an organization the credentials do not belong to as ProviderAuthError (403 forbidden) with its trace_id', async () => {
      const error = await collect(
        adapter({ organizationId: '00000000-0000-4000-8000-000000000001' }).listImages(),
      ).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(ProviderAuthError);
      expect((error as ProviderAuthError).upstreamStatus).toBe(403);
      expect((error as Error).message).toContain('forbidden: user credentials do not have the required privileges');
      expect((error as Error).message).toMatch(TRACE);
    });

    it('reports a region the service does not know as ProviderNotFoundError with its trace_id', async () => {
      const error = await collect(adapter({ regions: ['00000000-0000-4000-8000-000000000002'] }).listImages()).catch(
        (e: unknown) => e,
      );

      expect(error).toBeInstanceOf(ProviderNotFoundError);
      expect((error as Error).message).toContain('not_found: the requested resource does not exist');
      expect((error as Error).message).toMatch(TRACE);
    });

    it('reports refused OAuth2 client credentials as ProviderAuthError with invalid_client and the trace_id', async () => {
      const error = await collect(adapter({ auth: oauth2({ clientSecret: 'not-it' }) }).listImages()).catch(
        (e: unknown) => e,
      );

      expect(error).toBeInstanceOf(ProviderAuthError);
      expect((error as Error).message).toContain('invalid_client: client authentication failed');
      expect((error as Error).message).toMatch(TRACE);
      expect(requests.some((r) => r.startsWith('GET /api/'))).toBe(false);
    });
  });

  describe('OAuth2 client credentials', () => {
    beforeEach(() => start());

    /** A token source on the emulator's clock, so renewal before expiry can be seen without waiting. */
    const onClock = () =>
      new OAuth2ClientCredentialsSource(oauth2(), { provider: 'nscale-eu', now: () => clock, http: noWait });

    it('fetches one token from the token endpoint and uses it for every region', async () => {
      const images = await collect(adapter({ auth: oauth2() }).listImages());

      expect(images.length).toBe(
        visibleIn(EU).ours.length +
          visibleIn(EU).global.length +
          visibleIn(US).ours.length +
          visibleIn(US).global.length,
      );
      expect(emulator.tokens.issued()).toBe(1);
      expect(requests.filter((r) => r === 'POST /oauth2/v2/token')).toHaveLength(1);
    });

    it('renews the token before it expires, so the API never answers 401', async () => {
      const nscale = adapter({ auth: oauth2() }, { ...noWait, authenticate: onClock() });

      await collect(nscale.listImages());
      clock += 590_000; // 10 s before the 600 s token dies: inside the renewal margin
      await collect(nscale.listImages());

      expect(emulator.tokens.issued()).toBe(2);
      expect(statuses).not.toContain(401);
    });

    it('fetches a fresh token and carries on when the API answers 401 to a cached one', async () => {
      const nscale = adapter({ auth: oauth2() }, { ...noWait, authenticate: onClock() });
      await collect(nscale.listImages());
      emulator.tokens.expireIssuedTokens();

      const images = await collect(nscale.listImages());

      expect(images.length).toBeGreaterThan(0);
      expect(statuses.filter((s) => s === 401)).toHaveLength(1);
      expect(emulator.tokens.issued()).toBe(2);
    });
  });

  describe('under injected faults', () => {
    it('still lists everything when 20% of requests get a 5xx or 429, token requests included', async () => {
      await start({
        faults: { errorRate: 0.1, errorStatuses: [500, 502, 503], throttleRate: 0.1, retryAfterSeconds: 1, seed: 11 },
      });

      const expected = [EU, US].reduce((n, r) => n + visibleIn(r).ours.length + visibleIn(r).global.length, 0);
      // Several syncs, each with a fresh token, so the faults land on every kind of request.
      for (let round = 0; round < 6; round++) {
        await expect(collect(adapter().listImages())).resolves.toHaveLength(expected);
        await expect(collect(adapter({ auth: oauth2() }).listImages())).resolves.toHaveLength(expected);
      }
      const stats = emulator.faults.stats();
      expect(stats.errors).toBeGreaterThan(0);
      expect(stats.throttled).toBeGreaterThan(0);
    });
  });
});

describe('NscaleAdapter against a misbehaving server', () => {
  let server: ScriptedHttpServer;

  beforeAll(async () => (server = await ScriptedHttpServer.start()));
  afterAll(() => server.close());
  beforeEach(() => server.reset());

  const adapter = () =>
    new NscaleAdapter(
      {
        name: 'nscale-eu',
        kind: 'nscale',
        endpoint: server.url,
        regions: [EU],
        organizationId: ORG,
        auth: { type: 'bearer', token: TOKEN },
      },
      { http: noWait },
    );

  it('rejects an answer that is not an image array as a protocol error', async () => {
    server.reply(replyJson(200, { images: [] }));

    await expect(collect(adapter().listImages())).rejects.toBeInstanceOf(ProviderProtocolError);
  });

  it('rejects an array holding something without metadata.id as a protocol error', async () => {
    server.reply(replyJson(200, [{ metadata: { name: 'x' }, spec: {}, status: {} }]));

    await expect(collect(adapter().listImages())).rejects.toBeInstanceOf(ProviderProtocolError);
  });

  it('escapes the region so it cannot reach another path', async () => {
    server.otherwise(replyJson(200, []));

    await collect(
      new NscaleAdapter(
        {
          name: 'n',
          kind: 'nscale',
          endpoint: server.url,
          regions: ['../x'],
          organizationId: ORG,
          auth: { type: 'bearer', token: TOKEN },
        },
        { http: noWait },
      ).listImages(),
    );

    expect(server.requests[0].url).toMatch(/^\/api\/v2\/regions\/..%2Fx\/images\?/);
  });
});
