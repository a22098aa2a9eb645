import { createNscaleEmulator, type NscaleEmulator, type NscaleEmulatorOptions } from './nscale.emulator';
import { generateNscaleSeed } from './nscale-seed';
import { KUBERNETES_LABEL_VALUE, type NscaleImage, type NscaleImageRecord, SEMVER } from './nscale.types';

const ORG = '9f1c2d3e-aaaa-bbbb-cccc-0123456789ab';
const OTHER_ORG = '11111111-2222-4333-8444-555555555555';
const EU = '2b3a9b56-4c2f-4a6b-9a55-7a8e4c1b9d01';
const US = '7d1e2f3a-1111-4222-8333-444455556666';
const TRACE_ID = /^[0-9a-f]{32}$/;

/** One image of the given owner and state, shaped like the seed's example. */
function record(id: string, organizationId: string | null, extra: Partial<NscaleImageRecord> = {}): NscaleImageRecord {
  return {
    regionId: EU,
    organizationId,
    image: {
      metadata: { id, name: `img-${id}`, creationTime: '2023-02-22T12:04:13Z' },
      spec: {
        architecture: 'x86_64',
        sizeGiB: 10,
        virtualization: 'virtualized',
        os: { kernel: 'linux', family: 'debian', distro: 'ubuntu', version: '24.04' },
      },
      status: { state: 'ready' },
    },
    ...extra,
  };
}

describe('nscale emulator', () => {
  let emulator: NscaleEmulator;
  let url: string;
  let clock: number;

  async function start(opts: NscaleEmulatorOptions): Promise<void> {
    emulator = createNscaleEmulator({ organizationId: ORG, now: () => clock, ...opts });
    url = await emulator.listen();
  }

  beforeEach(() => (clock = Date.parse('2025-10-01T00:00:00Z')));
  afterEach(() => emulator.close());

  const listUrl = (region: string, query = '') => `${url}/api/v2/regions/${region}/images${query}`;
  const get = (target: string, token = 'sandbox-token') =>
    fetch(target, { headers: { authorization: `Bearer ${token}` } });
  const names = async (response: Response) => ((await response.json()) as NscaleImage[]).map((i) => i.metadata.id);

  describe('image listing', () => {
    const images = [
      record('global-ready', null),
      record('global-creating', null, {}),
      record('ours-failed', ORG),
      record('theirs', OTHER_ORG),
      record('us-global', null, { regionId: US }),
    ];
    images[1].image.status.state = 'creating';
    images[2].image.status.state = 'failed';

    beforeEach(() => start({ tokens: ['sandbox-token'], images }));

    it('answers the whole list as a bare JSON array of metadata/spec/status images', async () => {
      const response = await get(listUrl(EU));

      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      const body = (await response.json()) as NscaleImage[];
      expect(Array.isArray(body)).toBe(true);
      expect(body[0]).toEqual(images[1].image);
      expect(Object.keys(body[0])).toEqual(['metadata', 'spec', 'status']);
    });

    it('lists global images and our own, never another organization’s, without a scope', async () => {
      expect(await names(await get(listUrl(EU)))).toEqual(['global-creating', 'global-ready', 'ours-failed']);
    });

    it('lists only the organization’s own images with scope=owned', async () => {
      expect(await names(await get(listUrl(EU, `?organizationID=${ORG}&scope=owned`)))).toEqual(['ours-failed']);
    });

    it('lists global plus owned images with scope=available', async () => {
      expect(await names(await get(listUrl(EU, `?organizationID=${ORG}&scope=available`)))).toEqual([
        'global-creating',
        'global-ready',
        'ours-failed',
      ]);
    });

    it('filters by every status given as a repeated query parameter', async () => {
      expect(await names(await get(listUrl(EU, '?status=failed&status=creating')))).toEqual([
        'global-creating',
        'ours-failed',
      ]);
    });

    it('keeps each region’s catalogue apart', async () => {
      expect(await names(await get(listUrl(US)))).toEqual(['us-global']);
    });

    it('refuses an organization the caller does not belong to with the seed’s 403 body', async () => {
      const response = await get(listUrl(EU, `?organizationID=${OTHER_ORG}`));

      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({
        error: 'forbidden',
        error_description: 'user credentials do not have the required privileges',
        trace_id: expect.stringMatching(TRACE_ID),
      });
    });

    it('answers an unknown region with the seed’s 404 body', async () => {
      const response = await get(listUrl('00000000-0000-4000-8000-000000000000'));

      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({
        error: 'not_found',
        error_description: 'the requested resource does not exist',
        trace_id: expect.stringMatching(TRACE_ID),
      });
    });

    it.each([
      ['a scope outside the enum', '?scope=everything'],
      ['a status outside the enum', '?status=active'],
      ['scope=owned without an organization', '?scope=owned'],
    ])('answers 400 invalid_request for %s', async (_case, query) => {
      const response = await get(listUrl(EU, query));

      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        error: 'invalid_request',
        trace_id: expect.stringMatching(TRACE_ID),
      });
    });

    it('answers 405 to methods the seed does not document', async () => {
      const response = await fetch(listUrl(EU), {
        method: 'DELETE',
        headers: { authorization: 'Bearer sandbox-token' },
      });

      expect(response.status).toBe(405);
      expect(await response.json()).toMatchObject({ error: 'method_not_allowed' });
    });
  });

  describe('bearer authentication', () => {
    beforeEach(() => start({ tokens: ['sandbox-token'], images: [record('a', null)] }));

    it.each([
      ['no Authorization header', undefined],
      ['a wrong token', 'Bearer not-the-token'],
      ['another scheme', 'Basic c2FuZGJveC10b2tlbg=='],
    ])('answers 401 with the seed’s body for %s', async (_case, authorization) => {
      const response = await fetch(listUrl(EU), { headers: authorization ? { authorization } : {} });

      expect(response.status).toBe(401);
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(await response.json()).toEqual({
        error: 'access_denied',
        error_description: 'authentication failed',
        trace_id: expect.stringMatching(TRACE_ID),
      });
    });

    it('gives every error its own trace id', async () => {
      const first = (await (await fetch(listUrl(EU))).json()) as { trace_id: string };
      const second = (await (await fetch(listUrl(EU))).json()) as { trace_id: string };

      expect(first.trace_id).not.toBe(second.trace_id);
    });

    it('accepts any bearer token when no credentials are configured at all', async () => {
      await emulator.close();
      await start({ images: [record('a', null)] });

      expect((await get(listUrl(EU), 'anything')).status).toBe(200);
      expect((await fetch(listUrl(EU))).status).toBe(401);
    });
  });

  describe('OAuth2 token endpoint', () => {
    const client = { clientId: 'image-broker', clientSecret: 's3cr:et/+', tokenTtlSeconds: 600 };
    const basic = (id: string, secret: string) =>
      `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
    const requestToken = (body: string, headers: Record<string, string> = {}, path = '/oauth2/token') =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body,
      });

    beforeEach(() => start({ oauth2: client, images: [record('a', null)] }));

    it('issues an uncacheable Bearer token with expires_in for the client-credentials grant', async () => {
      const response = await requestToken('grant_type=client_credentials&scope=images', {
        authorization: basic(client.clientId, client.clientSecret),
      });

      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('pragma')).toBe('no-cache');
      expect(await response.json()).toEqual({
        access_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: 600,
        scope: 'images',
      });
    });

    it('serves the seed’s identity path /oauth2/v2/token too', async () => {
      const response = await requestToken(
        'grant_type=client_credentials',
        { authorization: basic(client.clientId, client.clientSecret) },
        '/oauth2/v2/token',
      );

      expect(response.status).toBe(200);
    });

    it('accepts the client credentials in the form body as RFC 6749 allows', async () => {
      const form = new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: 'image-broker',
        client_secret: client.clientSecret,
      });

      expect((await requestToken(form.toString())).status).toBe(200);
    });

    it('lets an issued token list images until its TTL runs out, then answers 401', async () => {
      const token = (
        (await (
          await requestToken('grant_type=client_credentials', {
            authorization: basic(client.clientId, client.clientSecret),
          })
        ).json()) as { access_token: string }
      ).access_token;

      expect((await get(listUrl(EU), token)).status).toBe(200);
      clock += 599_000;
      expect((await get(listUrl(EU), token)).status).toBe(200);
      clock += 1_000;
      const expired = await get(listUrl(EU), token);
      expect(expired.status).toBe(401);
      expect(await expired.json()).toMatchObject({
        error: 'access_denied',
        error_description: 'authentication failed',
      });
      expect(emulator.tokens.issued()).toBe(1);
    });

    it('answers a wrong secret with 401 invalid_client, a Basic challenge and a trace id', async () => {
      const response = await requestToken('grant_type=client_credentials', {
        authorization: basic('image-broker', 'nope'),
      });

      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Basic /);
      expect(await response.json()).toEqual({
        error: 'invalid_client',
        error_description: 'client authentication failed',
        trace_id: expect.stringMatching(TRACE_ID),
      });
    });

    it.each([
      { request: 'no grant_type', body: 'scope=x', error: 'invalid_request' },
      { request: 'another grant', body: 'grant_type=password', error: 'unsupported_grant_type' },
    ])('answers $request with 400 $error', async ({ body, error }) => {
      const response = await requestToken(body, { authorization: basic(client.clientId, client.clientSecret) });

      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error, trace_id: expect.stringMatching(TRACE_ID) });
    });

    it('answers 401 invalid_client when the client does not authenticate at all', async () => {
      const response = await requestToken('grant_type=client_credentials');

      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: 'invalid_client' });
    });

    it('refuses a JSON body: the token endpoint takes forms only', async () => {
      const response = await fetch(`${url}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: basic(client.clientId, client.clientSecret) },
        body: JSON.stringify({ grant_type: 'client_credentials' }),
      });

      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: 'invalid_request' });
    });

    it('refuses scopes the client may not have when a scope list is configured', async () => {
      await emulator.close();
      await start({ oauth2: { ...client, allowedScopes: ['images'] } });

      const response = await requestToken('grant_type=client_credentials&scope=images%20admin', {
        authorization: basic(client.clientId, client.clientSecret),
      });

      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: 'invalid_scope' });
    });
  });

  describe('fault injection', () => {
    beforeEach(() => start({ tokens: ['sandbox-token'], images: [record('a', null)] }));

    it('answers an injected 500 in the service’s own error shape', async () => {
      emulator.faults.enqueue({ kind: 'error', status: 500 });

      const response = await get(listUrl(EU));

      expect(response.status).toBe(500);
      expect(await response.json()).toMatchObject({ error: 'server_error', trace_id: expect.stringMatching(TRACE_ID) });
    });

    it('answers injected 502/503/429 as the ingress would, with an HTML page', async () => {
      emulator.faults.enqueue({ kind: 'error', status: 503 }, { kind: 'throttle', retryAfterSeconds: 2 });

      const unavailable = await get(listUrl(EU));
      const throttled = await get(listUrl(EU));

      expect(unavailable.status).toBe(503);
      expect(await unavailable.text()).toContain('<h1>503 Service Temporarily Unavailable</h1>');
      expect(throttled.status).toBe(429);
      expect(throttled.headers.get('retry-after')).toBe('2');
    });

    it('is switchable at run time through /_emulator/faults', async () => {
      const put = await fetch(`${url}/_emulator/faults`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ errorRate: 1, errorStatuses: [502] }),
      });

      expect(put.status).toBe(200);
      expect((await get(listUrl(EU))).status).toBe(502);
    });
  });

  it('listens on 127.0.0.1 only', async () => {
    await start({});
    expect(new URL(url).hostname).toBe('127.0.0.1');
  });
});

describe('generateNscaleSeed', () => {
  const options = { count: 600, seed: 7, regionIds: [EU, US], organizationId: ORG };
  const seed = generateNscaleSeed(options);
  const images = seed.map((r) => r.image);

  it('is deterministic for the same options, ids included', () => {
    expect(generateNscaleSeed(options)).toEqual(seed);
    expect(generateNscaleSeed({ ...options, seed: 8 })[0].image.metadata.id).not.toBe(seed[0].image.metadata.id);
  });

  it('spreads the requested number of images over both regions', () => {
    expect(seed).toHaveLength(600);
    expect(seed.filter((r) => r.regionId === EU)).toHaveLength(300);
    expect(seed.filter((r) => r.regionId === US)).toHaveLength(300);
  });

  it('has Ubuntu 22.04 and 24.04 with NVIDIA 535, 550 and 570 drivers for H100, H200, A100 and L40S', () => {
    expect(new Set(images.map((i) => `${i.spec.os.distro} ${i.spec.os.version} ${i.spec.os.codename}`))).toEqual(
      new Set(['ubuntu 22.04 jammy', 'ubuntu 24.04 noble']),
    );
    expect(new Set(images.flatMap((i) => (i.spec.gpu ? [i.spec.gpu.driver.split('.')[0]] : []))).size).toBe(3);
    expect(new Set(images.flatMap((i) => i.spec.gpu?.models ?? []))).toEqual(new Set(['H100', 'H200', 'A100', 'L40S']));
  });

  it('preinstalls Kubernetes, Slurm and CUDA, every version in the seed’s semver form', () => {
    const software = images.flatMap((i) => Object.entries(i.spec.softwareVersions ?? {}));
    expect(new Set(software.map(([name]) => name))).toEqual(new Set(['kubernetes', 'slurm', 'cuda']));
    expect(software.every(([, version]) => SEMVER.test(version))).toBe(true);
  });

  it('has global images, our own and another organization’s', () => {
    const owners = new Set(
      seed.map((r) => (r.organizationId === null ? 'global' : r.organizationId === ORG ? 'ours' : 'other')),
    );
    expect(owners).toEqual(new Set(['global', 'ours', 'other']));
  });

  it('catches some images pending, creating and failed', () => {
    expect(new Set(images.map((i) => i.status.state))).toEqual(new Set(['pending', 'creating', 'ready', 'failed']));
  });

  it('gives only valid Kubernetes label values as names and unique ids', () => {
    expect(images.every((i) => KUBERNETES_LABEL_VALUE.test(i.metadata.name))).toBe(true);
    expect(new Set(images.map((i) => i.metadata.id)).size).toBe(images.length);
  });

  it('tags and describes the organizations’ images only, as name/value pairs', () => {
    const custom = seed.filter((r) => r.organizationId !== null).map((r) => r.image);
    expect(
      custom.every((i) => i.metadata.tags?.every((t) => typeof t.name === 'string' && typeof t.value === 'string')),
    ).toBe(true);
    expect(seed.filter((r) => r.organizationId === null).some((r) => r.image.metadata.tags !== undefined)).toBe(false);
  });

  it('generates and serves 20,000 images quickly', async () => {
    const started = performance.now();
    const big = generateNscaleSeed({ ...options, count: 20_000 });
    const generatedMs = performance.now() - started;

    const emulator = createNscaleEmulator({ organizationId: ORG, tokens: ['t'], images: big });
    const url = await emulator.listen();
    try {
      const listed = performance.now();
      const response = await fetch(`${url}/api/v2/regions/${EU}/images?organizationID=${ORG}&scope=available`, {
        headers: { authorization: 'Bearer t' },
      });
      const body = (await response.json()) as unknown[];
      const listedMs = performance.now() - listed;

      expect(body.length).toBeGreaterThan(8_000);
      expect(generatedMs).toBeLessThan(1_000);
      expect(listedMs).toBeLessThan(2_000);
    } finally {
      await emulator.close();
    }
  });
});
