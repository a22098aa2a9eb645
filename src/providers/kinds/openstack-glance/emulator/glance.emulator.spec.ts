import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { ClientRequest } from 'node:http';
import { FaultInjector } from '../../../emulator-kit/fault-injection';
import { generateGlanceSeed } from './glance-seed';
import { createGlanceEmulator } from './glance.emulator';
import type { GlanceEmulator, GlanceEmulatorOptions } from './glance.emulator';
import type { GlanceImageInit } from './glance.types';
import { scenarioDelay } from '../../../../../test/support/wait-for';

const OWNER = 'bab7d5c60cd041a0a36f7c4b6e1dd978';
const PARTNER = '8989447062e04a818baf9e073fd04fa7';
const TOKEN = 'owner-token';
const PARTNER_TOKEN = 'partner-token';
const PATCH_TYPE = 'application/openstack-images-v2.1-json-patch';

type Json = Record<string, unknown>;

interface Started {
  emulator: GlanceEmulator;
  url: string;
}

const running: GlanceEmulator[] = [];
afterAll(async () => {
  await Promise.all(running.map((emulator) => emulator.close()));
});

async function start(opts: Partial<GlanceEmulatorOptions> & Pick<GlanceEmulatorOptions, 'dialect'>): Promise<Started> {
  const emulator = createGlanceEmulator({
    owner: OWNER,
    tokens: [TOKEN],
    projectTokens: { [PARTNER_TOKEN]: PARTNER },
    ...opts,
  });
  running.push(emulator);
  return { emulator, url: await emulator.listen(0) };
}

function call(url: string, path: string, init: RequestInit & { token?: string | null } = {}): Promise<Response> {
  const { token = TOKEN, headers, ...rest } = init;
  const allHeaders = new Headers(headers);
  if (token !== null) allHeaders.set('x-auth-token', token);
  return fetch(`${url}${path}`, { ...rest, headers: allHeaders });
}

async function json<T = Json>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

function createImage(url: string, body: Json, token = TOKEN): Promise<Response> {
  return call(url, '/v2/images', {
    method: 'POST',
    token,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

function patchImage(url: string, id: string, ops: Json[], contentType = PATCH_TYPE): Promise<Response> {
  return call(url, `/v2/images/${id}`, {
    method: 'PATCH',
    headers: { 'content-type': contentType },
    body: JSON.stringify(ops),
  });
}

function uploadBytes(
  url: string,
  id: string,
  bytes: Buffer,
  contentType = 'application/octet-stream',
): Promise<Response> {
  return call(url, `/v2/images/${id}/file`, { method: 'PUT', headers: { 'content-type': contentType }, body: bytes });
}

function image(overrides: Partial<GlanceImageInit> & { id: string }): GlanceImageInit {
  return {
    name: `image-${overrides.id.slice(0, 4)}`,
    status: 'active',
    visibility: 'private',
    owner: OWNER,
    size: 1024,
    created_at: '2024-01-01T00:00:00Z',
    updated_at: '2024-01-01T00:00:00Z',
    ...overrides,
  };
}

function uuid(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

/** A raw upload whose body we feed chunk by chunk, to observe the image mid-upload. */
function openUpload(url: string, id: string, contentLength: number): { req: ClientRequest; done: Promise<number> } {
  const target = new URL(`${url}/v2/images/${id}/file`);
  const req = httpRequest({
    host: target.hostname,
    port: target.port,
    path: target.pathname,
    method: 'PUT',
    headers: { 'x-auth-token': TOKEN, 'content-type': 'application/octet-stream', 'content-length': contentLength },
  });
  const done = new Promise<number>((resolve, reject) => {
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
  });
  return { req, done };
}

async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('Glance emulator: authentication and error bodies', () => {
  let url: string;
  beforeAll(async () => {
    ({ url } = await start({ dialect: 'standard' }));
  });

  it('answers 401 with a keystonemiddleware JSON body when X-Auth-Token is missing or unknown', async () => {
    for (const token of [null, 'not-a-token']) {
      const res = await call(url, '/v2/images', { token });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Keystone uri="http:\/\/127\.0\.0\.1:\d+\/v3"$/);
      expect(await json(res)).toEqual({
        error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' },
      });
    }
  });

  it('answers webob JSON errors to Accept: application/json and webob HTML otherwise', async () => {
    const asJson = await call(url, '/v2/images/unknown', { headers: { accept: 'application/json' } });
    expect(asJson.status).toBe(404);
    expect(asJson.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await json(asJson)).toEqual({
      message: 'No image found with ID unknown<br /><br />\n\n\n',
      code: '404 Not Found',
      title: 'Not Found',
    });
    const asHtml = await call(url, '/v2/images/unknown');
    expect(asHtml.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await asHtml.text()).toContain('<h1>404 Not Found</h1>');
  });
});

describe('Glance emulator: image list', () => {
  let nhn: Started;
  let standard: Started;
  beforeAll(async () => {
    nhn = await start({
      dialect: 'nhn',
      images: generateGlanceSeed({ dialect: 'nhn', count: 120, seed: 7, owner: OWNER, region: 'kr1' }),
    });
    standard = await start({
      dialect: 'standard',
      images: generateGlanceSeed({ dialect: 'standard', count: 120, seed: 7, owner: OWNER, region: 'hcm1' }),
    });
  });

  it('returns 25 images per page by default, with schema, first and next links', async () => {
    const body = await json<{ images: Json[]; schema: string; first: string; next: string }>(
      await call(nhn.url, '/v2/images'),
    );
    expect(body.images).toHaveLength(25);
    expect(body.schema).toBe('/v2/schemas/images');
    expect(body.first).toBe('/v2/images');
    expect(body.next).toBe(`/v2/images?marker=${body.images[24].id}`);
  });

  it('follows next links to the end with marker pagination', async () => {
    const seen: string[] = [];
    let next: string | undefined = '/v2/images?limit=17&sort_key=name&sort_dir=asc';
    let pages = 0;
    while (next) {
      const body: { images: Json[]; next?: string } = await json(await call(nhn.url, next));
      seen.push(...body.images.map((i) => String(i.id)));
      if (body.next) expect(body.next).toContain('limit=17&sort_key=name&sort_dir=asc');
      next = body.next;
      pages++;
    }
    const listable = nhn.emulator.store
      .all()
      .filter(
        (i) =>
          !i.os_hidden &&
          (i.owner === OWNER ||
            i.visibility === 'public' ||
            i.members.some((m) => m.member_id === OWNER && m.status === 'accepted')),
      );
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort()).toEqual(listable.map((i) => i.id).sort());
    expect(pages).toBe(Math.ceil(listable.length / 17));
  });

  it('answers 400 for an unknown marker, a bad limit and a bad sort direction', async () => {
    expect((await call(nhn.url, `/v2/images?marker=${uuid(999)}`)).status).toBe(400);
    expect((await call(nhn.url, '/v2/images?limit=ten')).status).toBe(400);
    expect((await call(nhn.url, '/v2/images?sort_dir=sideways')).status).toBe(400);
    expect((await call(nhn.url, '/v2/images?sort=name:asc&sort_key=name')).status).toBe(400);
  });

  it('sorts by sort_key/sort_dir and by the sort=key:dir syntax', async () => {
    const names = async (query: string) =>
      (await json<{ images: Json[] }>(await call(standard.url, `/v2/images?limit=1000&${query}`))).images.map((i) =>
        String(i.name),
      );
    const ascending = await names('sort_key=name&sort_dir=asc');
    expect(ascending).toEqual([...ascending].sort());
    expect(await names('sort=name:desc')).toEqual([...ascending].reverse());

    const bySize = (
      await json<{ images: Json[] }>(await call(standard.url, '/v2/images?limit=1000&sort=size:asc,created_at:desc'))
    ).images;
    const sizes = bySize.map((i) => (i.size === null ? -1 : Number(i.size)));
    expect(sizes).toEqual([...sizes].sort((a, b) => a - b));

    const created = (await json<{ images: Json[] }>(await call(standard.url, '/v2/images?limit=1000'))).images.map(
      (i) => String(i.created_at),
    );
    expect(created).toEqual([...created].sort().reverse());
  });

  it('filters by nhncloud_product, visibility, status, size range and repeated tags', async () => {
    const list = async (base: Started, query: string) =>
      (await json<{ images: Json[] }>(await call(base.url, `/v2/images?limit=1000&${query}`))).images;
    const gpu = await list(nhn, 'nhncloud_product=gpu');
    expect(gpu.length).toBeGreaterThan(0);
    expect(gpu.every((i) => i.nhncloud_product === 'gpu' && !('gpu_vendor' in i))).toBe(true);
    expect((await call(nhn.url, '/v2/images?nhncloud_product=tpu')).status).toBe(400);

    const privates = await list(nhn, 'visibility=private');
    expect(privates.length).toBeGreaterThan(0);
    expect(privates.every((i) => i.visibility === 'private' && i.owner === OWNER)).toBe(true);

    expect((await list(standard, 'status=queued')).every((i) => i.status === 'queued')).toBe(true);
    const mid = await list(standard, 'size_min=1000000000&size_max=3000000000');
    expect(mid.length).toBeGreaterThan(0);
    expect(mid.every((i) => Number(i.size) >= 1e9 && Number(i.size) <= 3e9)).toBe(true);

    const tagged = await list(standard, 'tag=gpu&tag=nvidia');
    expect(tagged.length).toBeGreaterThan(0);
    expect(tagged.every((i) => (i.tags as string[]).includes('gpu') && (i.tags as string[]).includes('nvidia'))).toBe(
      true,
    );

    const aarch64 = await list(standard, 'architecture=aarch64');
    expect(aarch64.length).toBeGreaterThan(0);
    expect(aarch64.every((i) => i.architecture === 'aarch64')).toBe(true);
  });

  it('leaves os_hidden images and pending shares out of the default list but lists them on request', async () => {
    const all = standard.emulator.store.all();
    const hidden = all.filter((i) => i.os_hidden);
    expect(hidden.length).toBeGreaterThan(0);
    const defaultIds = (await json<{ images: Json[] }>(await call(standard.url, '/v2/images?limit=1000'))).images.map(
      (i) => i.id,
    );
    expect(defaultIds).not.toContain(hidden[0].id);
    const hiddenIds = (
      await json<{ images: Json[] }>(await call(standard.url, '/v2/images?limit=1000&os_hidden=true'))
    ).images.map((i) => i.id);
    expect(hiddenIds).toContain(hidden[0].id);

    const pending = all.find((i) => i.members.some((m) => m.member_id === OWNER && m.status === 'pending'));
    expect(pending).toBeDefined();
    expect(defaultIds).not.toContain(pending!.id);
    const pendingIds = (
      await json<{ images: Json[] }>(
        await call(standard.url, '/v2/images?limit=1000&visibility=shared&member_status=pending'),
      )
    ).images.map((i) => i.id);
    expect(pendingIds).toContain(pending!.id);
  });

  it('renders NHN extras top-level and again in a properties object; standard only top-level', async () => {
    const [first] = (await json<{ images: Json[] }>(await call(nhn.url, '/v2/images?limit=1'))).images;
    expect(first).toMatchObject({ os_architecture: 'amd64', hypervisor_type: 'qemu', schema: '/v2/schemas/image' });
    expect(first.properties).toMatchObject({ os_type: first.os_type, os_distro: first.os_distro });
    expect(first.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    const [std] = (await json<{ images: Json[] }>(await call(standard.url, '/v2/images?limit=1'))).images;
    expect(std.properties).toBeUndefined();
    expect(std).toHaveProperty('architecture');
    expect(std).toHaveProperty('os_hash_algo');
    expect(std).not.toHaveProperty('locations');
  });
});

describe('Glance emulator: image create', () => {
  let nhn: Started;
  let standard: Started;
  beforeAll(async () => {
    nhn = await start({ dialect: 'nhn' });
    standard = await start({ dialect: 'standard' });
  });

  it('nhn requires os_type on create with 400', async () => {
    const res = await createImage(nhn.url, { name: 'Ubuntu Image', disk_format: 'qcow2', container_format: 'bare' });
    expect(res.status).toBe(400);
  });

  it('nhn creates a private queued image and answers 201 with Location, advertising no import method nor store', async () => {
    const res = await createImage(nhn.url, {
      name: 'Ubuntu Image',
      container_format: 'bare',
      disk_format: 'qcow2',
      os_type: 'linux',
      os_distro: 'ubuntu',
      os_version: 'Server 22.04 LTS',
    });
    expect(res.status).toBe(201);
    const body = await json(res);
    expect(body).toMatchObject({
      status: 'queued',
      visibility: 'private',
      size: null,
      checksum: null,
      os_hash_algo: null,
      os_hash_value: null,
      os_hidden: false,
      locations: [],
      owner: OWNER,
      os_type: 'linux',
      os_version: 'Server 22.04 LTS',
      self: `/v2/images/${body.id}`,
      file: `/v2/images/${body.id}/file`,
    });
    expect(res.headers.get('location')).toBe(`${nhn.url}/v2/images/${body.id}`);
    // The emulator serves neither the import API nor several stores, so Glance would not advertise them.
    expect(res.headers.get('openstack-image-import-methods')).toBeNull();
    expect(res.headers.get('openstack-image-store-ids')).toBeNull();
    expect((await call(nhn.url, `/v2/images/${body.id}/import`, { method: 'POST' })).status).toBe(404);
  });

  it('nhn only accepts private or shared visibility', async () => {
    const base = { name: 'x', os_type: 'linux' };
    expect((await createImage(nhn.url, { ...base, visibility: 'community' })).status).toBe(400);
    expect((await createImage(nhn.url, { ...base, visibility: 'public' })).status).toBe(403);
    expect((await createImage(nhn.url, { ...base, visibility: 'shared' })).status).toBe(201);
  });

  it('standard defaults visibility to shared, accepts a caller-chosen id and answers 409 for a duplicate', async () => {
    const id = '9775d86a-8bf8-4200-a4b5-d892e931e8f6';
    const res = await createImage(standard.url, { id, name: 'alpine', disk_format: 'qcow2', container_format: 'bare' });
    expect(res.status).toBe(201);
    expect(await json(res)).toMatchObject({
      id,
      name: 'alpine',
      visibility: 'shared',
      status: 'queued',
      min_ram: 0,
      min_disk: 0,
      tags: [],
    });
    expect((await createImage(standard.url, { id, name: 'again' })).status).toBe(409);
  });

  it('refuses a create body that is not JSON with 415, and malformed JSON with 400', async () => {
    const text = await call(standard.url, '/v2/images', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'name=x',
    });
    expect(text.status).toBe(415);
    const broken = await call(standard.url, '/v2/images', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name":',
    });
    expect(broken.status).toBe(400);
  });

  it('refuses read-only attributes with 403, non-string custom properties with 400', async () => {
    expect((await createImage(standard.url, { name: 'x', status: 'active' })).status).toBe(403);
    expect((await createImage(standard.url, { name: 'x', checksum: 'abc' })).status).toBe(403);
    expect((await createImage(standard.url, { name: 'x', hw_cpu_cores: 4 })).status).toBe(400);
    expect((await createImage(standard.url, { name: 'x', disk_format: 'floppy' })).status).toBe(400);
  });
});

describe('Glance emulator: image data', () => {
  let started: Started;
  let url: string;
  const newImage = async (body: Json = {}): Promise<string> =>
    String(
      (await json(await createImage(url, { name: 'data', disk_format: 'raw', container_format: 'bare', ...body }))).id,
    );
  const statusOf = async (id: string): Promise<string> =>
    String((await json(await call(url, `/v2/images/${id}`))).status);

  beforeAll(async () => {
    started = await start({ dialect: 'standard', maxUploadBytes: 64 * 1024 });
    url = started.url;
  });

  it('moves an image queued → saving → active and sets md5 checksum and sha512 os_hash_value of the bytes', async () => {
    const id = await newImage();
    expect(await statusOf(id)).toBe('queued');
    const bytes = Buffer.from('glance emulator test payload\n'.repeat(500));
    const upload = openUpload(url, id, bytes.length);
    upload.req.write(bytes.subarray(0, 1000));
    await waitFor(async () => (await statusOf(id)) === 'saving');
    upload.req.end(bytes.subarray(1000));
    expect(await upload.done).toBe(204);

    const body = await json(await call(url, `/v2/images/${id}`));
    expect(body).toMatchObject({
      status: 'active',
      size: bytes.length,
      virtual_size: bytes.length,
      checksum: createHash('md5').update(bytes).digest('hex'),
      os_hash_algo: 'sha512',
      os_hash_value: createHash('sha512').update(bytes).digest('hex'),
    });
  });

  it('serves the uploaded bytes with Content-MD5 and honours a single Range with 206', async () => {
    const id = await newImage();
    const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => i % 251));
    expect((await uploadBytes(url, id, bytes)).status).toBe(204);

    const full = await call(url, `/v2/images/${id}/file`);
    expect(full.status).toBe(200);
    expect(full.headers.get('content-length')).toBe('4096');
    expect(full.headers.get('content-md5')).toBe(createHash('md5').update(bytes).digest('hex'));
    expect(Buffer.from(await full.arrayBuffer()).equals(bytes)).toBe(true);

    const part = await call(url, `/v2/images/${id}/file`, { headers: { range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 100-199/4096');
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(100, 200))).toBe(true);

    const beyond = await call(url, `/v2/images/${id}/file`, { headers: { range: 'bytes=5000-' } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe('bytes */4096');
  });

  it("refuses data for an image whose disk_format or container_format is unset with Glance's 400, leaving it queued", async () => {
    const bare = await newImage({ disk_format: null, container_format: null });
    const noContainer = await newImage({ container_format: null });

    const both = await uploadBytes(url, bare, Buffer.from('bytes'));
    const one = await uploadBytes(url, noContainer, Buffer.from('bytes'));

    expect(both.status).toBe(400);
    expect(await both.text()).toContain('Properties disk_format, container_format must be set prior to saving data.');
    expect(one.status).toBe(400);
    expect(await one.text()).toContain('Property container_format must be set prior to saving data.');
    expect(await statusOf(bare)).toBe('queued');
    expect(readdirSync(started.emulator.dataDir).some((f) => f.startsWith(bare))).toBe(false);
  });

  it('answers 409 when uploading to an image that is not queued', async () => {
    const id = await newImage();
    expect((await uploadBytes(url, id, Buffer.from('one'))).status).toBe(204);
    expect((await uploadBytes(url, id, Buffer.from('two'))).status).toBe(409);
  });

  it('refuses an upload that is not application/octet-stream with 415', async () => {
    const id = await newImage();
    expect((await uploadBytes(url, id, Buffer.from('{}'), 'application/json')).status).toBe(415);
    expect(await statusOf(id)).toBe('queued');
  });

  it('answers 413 above maxUploadBytes and leaves the image queued', async () => {
    const id = await newImage();
    expect((await uploadBytes(url, id, Buffer.alloc(64 * 1024 + 1))).status).toBe(413);
    expect(await statusOf(id)).toBe('queued');
  });

  it('puts the image back to queued and deletes the partial file when the client disconnects mid-upload', async () => {
    const id = await newImage();
    const upload = openUpload(url, id, 50_000);
    upload.done.catch(() => undefined);
    upload.req.write(Buffer.alloc(10_000, 1));
    await waitFor(async () => (await statusOf(id)) === 'saving');
    await waitFor(() => readdirSync(started.emulator.dataDir).some((f) => f.startsWith(id) && f.endsWith('.partial')));
    upload.req.destroy();
    await waitFor(async () => (await statusOf(id)) === 'queued');
    await waitFor(() => !readdirSync(started.emulator.dataDir).some((f) => f.startsWith(id)));
  });

  it('answers 204 for the data of an image that has none, and 403 for a deactivated image', async () => {
    const id = await newImage();
    expect((await call(url, `/v2/images/${id}/file`)).status).toBe(204);
    const active = await newImage();
    await uploadBytes(url, active, Buffer.from('bytes'));
    started.emulator.store.setStatus(active, 'deactivated');
    expect((await call(url, `/v2/images/${active}/file`)).status).toBe(403);
  });
});

describe('Glance emulator: JSON patch', () => {
  let url: string;
  let id: string;
  beforeAll(async () => {
    ({ url } = await start({ dialect: 'nhn' }));
    // Both formats set: the last test uploads data, which Glance refuses while either is unset.
    const body = { name: 'patch-me', os_type: 'linux', disk_format: 'qcow2', container_format: 'bare' };
    id = String((await json(await createImage(url, body))).id);
  });

  it('refuses a JSON patch without the openstack media type with 415', async () => {
    const res = await patchImage(url, id, [{ op: 'replace', path: '/name', value: 'x' }], 'application/json');
    expect(res.status).toBe(415);
  });

  it('adds, replaces and removes custom properties and core attributes', async () => {
    let res = await patchImage(url, id, [
      { op: 'add', path: '/metadata1', value: 'value1' },
      { op: 'replace', path: '/name', value: 'renamed' },
      { op: 'replace', path: '/visibility', value: 'shared' },
      { op: 'replace', path: '/min_disk', value: 20 },
      { op: 'replace', path: '/tags', value: ['a', 'b'] },
    ]);
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({
      metadata1: 'value1',
      name: 'renamed',
      visibility: 'shared',
      min_disk: 20,
      tags: ['a', 'b'],
    });
    res = await patchImage(url, id, [{ op: 'replace', path: '/metadata1', value: 'value2' }]);
    expect((await json(res)).metadata1).toBe('value2');
    res = await patchImage(url, id, [{ op: 'remove', path: '/metadata1' }]);
    const body = await json(res);
    expect(body).not.toHaveProperty('metadata1');
    expect(body.properties).not.toHaveProperty('metadata1');
  });

  it('answers 409 when removing or replacing a property that does not exist', async () => {
    expect((await patchImage(url, id, [{ op: 'remove', path: '/nothing_here' }])).status).toBe(409);
    expect((await patchImage(url, id, [{ op: 'replace', path: '/nothing_here', value: 'x' }])).status).toBe(409);
  });

  it('answers 403 for read-only attributes and for disk_format once the image has data', async () => {
    for (const path of ['/id', '/status', '/checksum', '/size', '/created_at']) {
      expect((await patchImage(url, id, [{ op: 'replace', path, value: 'x' }])).status).toBe(403);
    }
    expect((await patchImage(url, id, [{ op: 'replace', path: '/disk_format', value: 'raw' }])).status).toBe(200);
    expect((await uploadBytes(url, id, Buffer.from('data'))).status).toBe(204);
    expect((await patchImage(url, id, [{ op: 'replace', path: '/disk_format', value: 'qcow2' }])).status).toBe(403);
  });

  it('leaves the image untouched when one operation of a patch fails', async () => {
    const before = await json(await call(url, `/v2/images/${id}`));
    const res = await patchImage(url, id, [
      { op: 'replace', path: '/name', value: 'half-applied' },
      { op: 'remove', path: '/missing' },
    ]);
    expect(res.status).toBe(409);
    expect((await json(await call(url, `/v2/images/${id}`))).name).toBe(before.name);
  });
});

describe('Glance emulator: community images in the list', () => {
  let standard: Started;
  let nhn: Started;
  const OTHER = 'f33507157a634f1cac71e06a70fb558e';
  beforeAll(async () => {
    standard = await start({
      dialect: 'standard',
      images: [
        image({ id: uuid(1), visibility: 'private' }),
        image({ id: uuid(2), visibility: 'community' }),
        image({ id: uuid(3), visibility: 'community', owner: OTHER }),
        image({ id: uuid(4), visibility: 'public', owner: OTHER }),
        image({ id: uuid(5), visibility: 'shared', owner: OTHER, members: [] }),
      ],
    });
    nhn = await start({ dialect: 'nhn', images: [image({ id: uuid(1) })] });
  });

  const ids = async (query: string) =>
    (await json<{ images: Json[] }>(await call(standard.url, `/v2/images?${query}`))).images.map((i) => i.id).sort();

  it('leaves every community image, our own included, out of the default list', async () => {
    expect(await ids('')).toEqual([uuid(1), uuid(4)]);
  });

  it('lists community images only when visibility=community is asked, narrowed by owner when given', async () => {
    expect(await ids('visibility=community')).toEqual([uuid(2), uuid(3)]);
    expect(await ids(`visibility=community&owner=${OWNER}`)).toEqual([uuid(2)]);
  });

  it("lists community images under visibility=all, but not another tenant's share we are no member of", async () => {
    expect(await ids('visibility=all')).toEqual([uuid(1), uuid(2), uuid(3), uuid(4)]);
  });

  it('refuses on NHN the visibility filter values its guide does not offer', async () => {
    expect((await call(nhn.url, '/v2/images?visibility=community')).status).toBe(400);
    expect((await call(nhn.url, '/v2/images?visibility=all')).status).toBe(400);
    expect((await call(nhn.url, '/v2/images?visibility=private')).status).toBe(200);
  });
});

describe('Glance emulator: delete and tags', () => {
  let nhn: Started;
  const PUBLIC_OWNER = 'c289b99209ca4e189095cdecebbd092d';
  beforeAll(async () => {
    nhn = await start({
      dialect: 'nhn',
      images: [
        image({ id: uuid(1), protected: true }),
        image({ id: uuid(2), visibility: 'public', owner: PUBLIC_OWNER }),
        image({ id: uuid(3) }),
        image({ id: uuid(4) }),
      ],
    });
  });

  it('answers 403 when deleting a protected image', async () => {
    expect((await call(nhn.url, `/v2/images/${uuid(1)}`, { method: 'DELETE' })).status).toBe(403);
    expect(nhn.emulator.store.has(uuid(1))).toBe(true);
  });

  it('answers 403 when deleting a public image on NHN', async () => {
    expect((await call(nhn.url, `/v2/images/${uuid(2)}`, { method: 'DELETE' })).status).toBe(403);
  });

  it('deletes an own image with 204, after which it is 404', async () => {
    expect((await call(nhn.url, `/v2/images/${uuid(3)}`, { method: 'DELETE' })).status).toBe(204);
    expect((await call(nhn.url, `/v2/images/${uuid(3)}`)).status).toBe(404);
  });

  it('adds and removes tags with 204; NHN refuses tags starting with _ and tags over 255 characters', async () => {
    const tagPath = (tag: string) => `/v2/images/${uuid(4)}/tags/${encodeURIComponent(tag)}`;
    expect((await call(nhn.url, tagPath('gpu'), { method: 'PUT' })).status).toBe(204);
    expect((await call(nhn.url, tagPath('gpu'), { method: 'PUT' })).status).toBe(204);
    expect(nhn.emulator.store.get(uuid(4))?.tags).toEqual(['gpu']);
    expect((await call(nhn.url, tagPath('_internal'), { method: 'PUT' })).status).toBe(400);
    expect((await call(nhn.url, tagPath('t'.repeat(256)), { method: 'PUT' })).status).toBe(400);
    expect((await call(nhn.url, tagPath('gpu'), { method: 'DELETE' })).status).toBe(204);
    expect((await call(nhn.url, tagPath('gpu'), { method: 'DELETE' })).status).toBe(404);
  });
});

describe('Glance emulator: image members', () => {
  let url: string;
  beforeAll(async () => {
    ({ url } = await start({
      dialect: 'nhn',
      images: [image({ id: uuid(10) }), image({ id: uuid(11), visibility: 'shared' })],
    }));
  });

  it('refuses members on a non-shared image with 403', async () => {
    const res = await call(url, `/v2/images/${uuid(10)}/members`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ member: PARTNER }),
    });
    expect(res.status).toBe(403);
  });

  it('shares an image: the owner adds a pending member, the member accepts and then sees it listed', async () => {
    const add = () =>
      call(url, `/v2/images/${uuid(11)}/members`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ member: PARTNER }),
      });
    const added = await add();
    expect(added.status).toBe(200);
    expect(await json(added)).toMatchObject({
      image_id: uuid(11),
      member_id: PARTNER,
      status: 'pending',
      schema: '/v2/schemas/member',
    });
    expect((await add()).status).toBe(409);

    const partnerList = async () =>
      (await json<{ images: Json[] }>(await call(url, '/v2/images', { token: PARTNER_TOKEN }))).images.map((i) => i.id);
    expect(await partnerList()).not.toContain(uuid(11));

    const setStatus = (token: string, status: string) =>
      call(url, `/v2/images/${uuid(11)}/members/${PARTNER}`, {
        method: 'PUT',
        token,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ status }),
      });
    expect((await setStatus(TOKEN, 'accepted')).status).toBe(403);
    expect((await setStatus(PARTNER_TOKEN, 'maybe')).status).toBe(400);
    const accepted = await setStatus(PARTNER_TOKEN, 'accepted');
    expect(accepted.status).toBe(200);
    expect((await json(accepted)).status).toBe('accepted');
    expect(await partnerList()).toContain(uuid(11));

    const members = await json<{ members: Json[]; schema: string }>(await call(url, `/v2/images/${uuid(11)}/members`));
    expect(members).toMatchObject({
      schema: '/v2/schemas/members',
      members: [{ member_id: PARTNER, status: 'accepted' }],
    });
    expect(
      (await call(url, `/v2/images/${uuid(11)}/members/${PARTNER}`, { method: 'DELETE', token: PARTNER_TOKEN })).status,
    ).toBe(403);
    expect((await call(url, `/v2/images/${uuid(11)}/members/${PARTNER}`, { method: 'DELETE' })).status).toBe(204);
    expect((await call(url, `/v2/images/${uuid(11)}`, { token: PARTNER_TOKEN })).status).toBe(404);
  });
});

describe('Glance emulator: Keystone v3 password auth', () => {
  const keystone = {
    username: 'broker',
    password: 's3cret',
    projectId: 'f33507157a634f1cac71e06a70fb558e',
    projectName: 'broker-project',
    tokenTtlSeconds: 60,
  };
  let clock = Date.UTC(2025, 0, 1);
  let url: string;
  beforeAll(async () => {
    ({ url } = await start({
      dialect: 'standard',
      tokens: [],
      projectTokens: {},
      owner: undefined,
      keystone,
      now: () => clock,
    }));
  });

  const issue = (password = keystone.password, scope: Json = { project: { id: keystone.projectId } }) =>
    fetch(`${url}/v3/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: {
            methods: ['password'],
            password: { user: { name: keystone.username, domain: { name: 'Default' }, password } },
          },
          scope,
        },
      }),
    });

  it('issues a project-scoped token with X-Subject-Token, expiry and an image endpoint in the catalog', async () => {
    const res = await issue();
    expect(res.status).toBe(201);
    const token = res.headers.get('x-subject-token');
    expect(token).toBeTruthy();
    const body = await json<{
      token: { expires_at: string; project: Json; catalog: Array<{ type: string; endpoints: Json[] }> };
    }>(res);
    expect(body.token.project).toEqual({
      id: keystone.projectId,
      name: 'broker-project',
      domain: { id: 'default', name: 'Default' },
    });
    expect(Date.parse(body.token.expires_at)).toBe(clock + 60_000);
    expect(body.token.catalog.find((s) => s.type === 'image')?.endpoints[0]).toMatchObject({
      interface: 'public',
      url,
    });
    expect((await call(url, '/v2/images', { token })).status).toBe(200);
  });

  it('answers 401 for a wrong password or a foreign project', async () => {
    expect((await issue('wrong')).status).toBe(401);
    expect((await issue(keystone.password, { project: { id: 'someone-else' } })).status).toBe(401);
    expect(
      (await issue(keystone.password, { project: { name: 'broker-project', domain: { name: 'Default' } } })).status,
    ).toBe(201);
  });

  it('expires tokens after tokenTtlSeconds, then the image API answers 401 until a new token is issued', async () => {
    const first = (await issue()).headers.get('x-subject-token');
    expect((await call(url, '/v2/images', { token: first })).status).toBe(200);
    clock += 61_000;
    expect((await call(url, '/v2/images', { token: first })).status).toBe(401);
    const renewed = (await issue()).headers.get('x-subject-token');
    expect((await call(url, '/v2/images', { token: renewed })).status).toBe(200);
  });

  it('refuses an unscoped token on the image API', async () => {
    const res = await fetch(`${url}/v3/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: {
            methods: ['password'],
            password: { user: { name: 'broker', domain: { id: 'default' }, password: 's3cret' } },
          },
        },
      }),
    });
    expect(res.status).toBe(201);
    expect((await call(url, '/v2/images', { token: res.headers.get('x-subject-token') })).status).toBe(401);
  });
});

describe('Glance emulator: fault injection', () => {
  let started: Started;
  let url: string;
  beforeAll(async () => {
    started = await start({ dialect: 'standard', images: [image({ id: uuid(20) })] });
    url = started.url;
  });
  afterEach(() => started.emulator.faults.clear());

  const putFaults = (settings: Json) =>
    fetch(`${url}/_emulator/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(settings),
    });

  it('answers 429 with Retry-After when throttling is injected', async () => {
    expect((await putFaults({ throttleRate: 1, retryAfterSeconds: 7 })).status).toBe(200);
    const res = await call(url, '/v2/images');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
  });

  it('drops the connection when drops are injected', async () => {
    started.emulator.faults.set({ dropRate: 1 });
    await expect(call(url, '/v2/images')).rejects.toThrow();
    expect(started.emulator.faults.stats().dropped).toBeGreaterThan(0);
  });

  it('answers 5xx at errorRate 1 and recovers when faults are cleared over the admin API', async () => {
    await putFaults({ errorRate: 1, errorStatuses: [503] });
    const failed = await call(url, '/v2/images', { headers: { accept: 'application/json' } });
    expect(failed.status).toBe(503);
    expect(await json(failed)).toMatchObject({ code: '503 Service Unavailable' });
    expect(await json(await fetch(`${url}/_emulator/faults`))).toMatchObject({ errorRate: 1, errorStatuses: [503] });
    expect((await fetch(`${url}/_emulator/faults`, { method: 'DELETE' })).status).toBe(204);
    expect((await call(url, '/v2/images')).status).toBe(200);
  });

  it('applies scripted faults in order before the random ones', async () => {
    started.emulator.faults.set({ script: [{ kind: 'error', status: 502 }, { kind: 'throttle' }] });
    expect((await call(url, '/v2/images')).status).toBe(502);
    expect((await call(url, '/v2/images')).status).toBe(429);
    expect((await call(url, '/v2/images')).status).toBe(200);
  });

  it('delays requests by the configured latency', async () => {
    started.emulator.faults.set({ latencyMs: [120, 120] });
    const begun = Date.now();
    expect((await call(url, `/v2/images/${uuid(20)}`)).status).toBe(200);
    expect(Date.now() - begun).toBeGreaterThanOrEqual(110);
  });

  it('answers a late listing as it was when the request arrived, not when the answer leaves', async () => {
    started.emulator.store.add(image({ id: uuid(21) }));
    started.emulator.faults.resetStats();
    started.emulator.faults.set({ script: [{ kind: 'late', ms: 400 }] });
    const begun = Date.now();
    const listing = call(url, '/v2/images');
    await scenarioDelay(150); // removed while the late answer is held
    started.emulator.store.remove(uuid(21));
    const res = await listing;
    expect(Date.now() - begun).toBeGreaterThanOrEqual(390);
    expect(((await json(res)) as { images: Array<{ id: string }> }).images.map((i) => i.id)).toContain(uuid(21));
    expect(started.emulator.faults.stats().delayed).toBe(1);
    expect((await putFaults({ script: [{ kind: 'late' }] })).status).toBe(400);
  });

  it('rejects invalid settings with 400 and keeps the admin routes free of faults', async () => {
    expect((await putFaults({ errorRate: 2 })).status).toBe(400);
    expect((await putFaults({ surprise: true })).status).toBe(400);
    started.emulator.faults.set({ errorRate: 1, dropRate: 0 });
    expect((await fetch(`${url}/_emulator/faults`)).status).toBe(200);
  });

  it('replays the same fault sequence for the same seed', () => {
    const settings = {
      seed: 42,
      errorRate: 0.3,
      throttleRate: 0.2,
      dropRate: 0.1,
      latencyMs: [0, 50] as [number, number],
    };
    const sequence = (injector: FaultInjector) => Array.from({ length: 50 }, () => injector.decide());
    const first = sequence(new FaultInjector(settings));
    expect(sequence(new FaultInjector(settings))).toEqual(first);
    expect(new Set(first.map((d) => d.kind))).toEqual(new Set(['pass', 'error', 'throttle', 'drop']));
    expect(sequence(new FaultInjector({ ...settings, seed: 43 }))).not.toEqual(first);
  });
});

describe('Glance seed generator', () => {
  it('is deterministic and covers public OS, GPU, custom, snapshot, shared, hidden and odd-status images', () => {
    const opts = { dialect: 'standard' as const, count: 120, seed: 5, owner: OWNER, region: 'hcm1' };
    const images = generateGlanceSeed(opts);
    expect(generateGlanceSeed(opts)).toEqual(images);
    expect(images).toHaveLength(120);
    expect(new Set(images.map((i) => i.id)).size).toBe(120);
    expect(
      images.some(
        (i) => i.visibility === 'public' && i.extra.os_distro === 'ubuntu' && i.extra.os_codename === 'jammy',
      ),
    ).toBe(true);
    expect(images.some((i) => i.extra.os_type === 'windows')).toBe(true);
    // GPU builds say so in their name and tags; no seed documents a GPU property, so none is invented.
    expect(images.some((i) => i.tags.includes('gpu') && /-nvidia-\d+-cuda-\d+\.\d+$/.test(i.name ?? ''))).toBe(true);
    const undocumented = /^(gpu_|cuda|cudnn)/;
    expect(images.every((i) => !Object.keys(i.extra).some((key) => undocumented.test(key)))).toBe(true);
    expect(images.some((i) => i.extra.image_type === 'snapshot' && i.owner === OWNER)).toBe(true);
    expect(images.some((i) => i.extra.architecture === 'aarch64')).toBe(true);
    expect(new Set(images.map((i) => i.status))).toEqual(
      new Set(['active', 'queued', 'saving', 'killed', 'deactivated']),
    );
    expect(
      images
        .filter((i) => i.status === 'active')
        .every((i) => /^[0-9a-f]{32}$/.test(i.checksum ?? '') && /^[0-9a-f]{128}$/.test(i.os_hash_value ?? '')),
    ).toBe(true);

    const nhn = generateGlanceSeed({ ...opts, dialect: 'nhn' });
    expect(
      nhn.some(
        (i) =>
          i.extra.nhncloud_product === 'gpu' &&
          /- NVIDIA \S*H100\S* GPU Driver \d+\.\d+\.\d+ CUDA \d+\.\d+$/.test(i.name ?? ''),
      ),
    ).toBe(true);
    expect(nhn.every((i) => !Object.keys(i.extra).some((key) => undocumented.test(key)))).toBe(true);
    expect(
      nhn.every(
        (i) => i.extra.os_architecture === 'amd64' && (i.extra.os_type === 'linux' || i.extra.os_type === 'windows'),
      ),
    ).toBe(true);
    expect(nhn.every((i) => i.visibility !== 'community')).toBe(true);
  });
});
