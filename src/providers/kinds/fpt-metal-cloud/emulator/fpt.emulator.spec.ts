import { createHash, randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createFptEmulator, DEFAULT_FPT_TOKEN, type FptEmulator } from './fpt.emulator';
import { LocalFptPartStore } from './fpt-local-part-store';
import { generateFptSeed } from './fpt-seed';

const VPC = '0f6c1f2e-3b4a-4d5e-8f90-123456789abc';
const OTHER_VPC = '11111111-2222-4333-8444-555555555555';
const TOKEN = 'fpt-test-token';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const md5 = (data: Buffer) => createHash('md5').update(data).digest('hex');

describe('FPT Metal Cloud emulator', () => {
  let emulator: FptEmulator;
  let base: string;
  let now: number;

  beforeEach(async () => {
    now = Date.UTC(2025, 6, 1, 12);
    emulator = createFptEmulator({
      vpcId: VPC,
      tokens: [TOKEN],
      partSizeBytes: 1024,
      now: () => now,
      ...generateFptSeed({ count: 40, seed: 7, vpcId: VPC }),
    });
    base = await emulator.listen();
  });
  afterEach(() => emulator.close());

  const hpc = (vpc = VPC) => `${base}/api/v2/vmware/vpc/${vpc}/hpc`;
  const auth = { authorization: `Bearer ${TOKEN}` };
  const json = { ...auth, 'content-type': 'application/json' };

  async function call(method: string, url: string, body?: unknown, headers: Record<string, string> = json) {
    const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) };
  }

  async function register(data: Buffer, name = 'my-image', registeredSha = sha256(data)) {
    const response = await call('POST', `${hpc()}/images/`, { name, size: data.length, sha256: registeredSha });
    expect(response.status).toBe(201);
    return response.body.data.image_id as string;
  }

  async function uploadParts(urls: string[], data: Buffer): Promise<{ ETag: string; PartNumber: number }[]> {
    const partSize = Math.ceil(data.length / urls.length);
    const parts = [];
    for (const [index, url] of urls.entries()) {
      const chunk = data.subarray(index * partSize, (index + 1) * partSize);
      const response = await fetch(url, { method: 'PUT', body: chunk });
      expect(response.status).toBe(200);
      parts.push({ ETag: response.headers.get('etag') as string, PartNumber: index + 1 });
    }
    return parts;
  }

  /** The image as the emulator holds it: FPT's list shows only the register answer's fields of it. */
  function customImage(id: string): Promise<Record<string, unknown> | undefined> {
    return Promise.resolve(emulator.store.customImage(id) as Record<string, unknown> | undefined);
  }

  describe('auth and the VPC in the path', () => {
    it('answers 401 with the FPT error envelope without a bearer token', async () => {
      const response = await call('GET', `${hpc()}/images`, undefined, {});

      expect(response.status).toBe(401);
      expect(response.body).toEqual({
        status: false,
        error_code: '401000',
        message: 'Authentication credentials were not provided.',
        data: null,
        details: null,
      });
    });

    it('answers 401 to a wrong token on every seed path', async () => {
      const wrong = { authorization: 'Bearer not-the-token', 'content-type': 'application/json' };
      const calls: [string, string][] = [
        ['GET', `${hpc()}/images`],
        ['GET', `${hpc()}/custom-images`],
        ['POST', `${hpc()}/images/`],
        ['POST', `${hpc()}/images/presign-urls/`],
        ['PUT', `${hpc()}/images/${'a'.repeat(64)}/`],
        ['DELETE', `${hpc()}/images/x/`],
        ['POST', `${hpc()}/images/x/sync/`],
      ];
      for (const [method, url] of calls) {
        const response = await call(method, url, method === 'GET' || method === 'DELETE' ? undefined : {}, wrong);
        expect([method, url, response.status]).toEqual([method, url, 401]);
      }
    });

    it('answers 403 for another VPC and 400 for a vpc_id that is not a uuid', async () => {
      expect((await call('GET', `${hpc(OTHER_VPC)}/images`, undefined, auth)).status).toBe(403);
      expect((await call('GET', `${hpc('not-a-uuid')}/images`, undefined, auth)).status).toBe(400);
    });

    it('accepts the default token when none is configured', async () => {
      const open = createFptEmulator({ vpcId: VPC });
      try {
        const url = await open.listen();
        const response = await fetch(`${url}/api/v2/vmware/vpc/${VPC}/hpc/images`, {
          headers: { authorization: `Bearer ${DEFAULT_FPT_TOKEN}` },
        });
        expect(response.status).toBe(200);
      } finally {
        await open.close();
      }
    });
  });

  describe('lists', () => {
    it('serves the public and the custom images as {data: [...]}', async () => {
      const publicList = await call('GET', `${hpc()}/images`, undefined, auth);
      const customList = await call('GET', `${hpc()}/custom-images`, undefined, auth);

      expect(publicList.status).toBe(200);
      expect(publicList.body.data).toHaveLength(emulator.store.publicCount);
      expect(customList.body.data).toHaveLength(emulator.store.customCount);
      expect(publicList.body.data[0]).toMatchObject({ gpu_generation: 'Hopper', os_type: 'linux', status: 'active' });
      // Seed 000 documents a custom image only as the register answer's data: exactly those fields.
      for (const item of customList.body.data as Record<string, unknown>[]) {
        expect(Object.keys(item).sort()).toEqual(['created_at', 'description', 'image_id', 'name']);
      }
      expect(customList.body.data[0]).toMatchObject({ image_id: emulator.store.customRecords()[0].id });
    });

    it('answers 404 in the FPT envelope for a path the seed does not have', async () => {
      const response = await call('GET', `${hpc()}/images/abc`, undefined, auth);

      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ status: false, error_code: '404000' });
    });

    it('renders injected faults in the FPT envelope', async () => {
      emulator.faults.enqueue({ kind: 'error', status: 503 });

      const response = await call('GET', `${hpc()}/images`, undefined, auth);

      expect(response.status).toBe(503);
      expect(response.body).toMatchObject({ status: false, error_code: '503000', message: 'Injected failure.' });
    });
  });

  describe('register (POST …/hpc/images/)', () => {
    it('registers a custom image and answers 201 with the seed response shape', async () => {
      const data = randomBytes(100);

      const response = await call('POST', `${hpc()}/images/`, {
        name: 'trainer',
        size: 100,
        sha256: sha256(data),
        vpcId: VPC,
      });

      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        message: 'Image registered successfully.',
        data: {
          image_id: expect.any(String),
          name: 'trainer',
          description: '',
          created_at: '2025-07-01T12:00:00.000000Z',
        },
      });
      expect(await customImage(response.body.data.image_id)).toMatchObject({
        status: 'pending',
        size: 100,
        sha256: sha256(data),
      });
    });

    it('answers 400 naming every missing required field', async () => {
      const response = await call('POST', `${hpc()}/images/`, {});

      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({
        status: false,
        error_code: '400000',
        details: {
          name: ['This field is required.'],
          size: ['This field is required.'],
          sha256: ['This field is required.'],
        },
      });
      expect(response.body.message).toMatch(/^Invalid request payload\. name: This field is required\./);
    });

    it('answers 400 for wrong types, a bad digest, a non-positive size and a vpcId of another VPC', async () => {
      const response = await call('POST', `${hpc()}/images/`, { name: 7, size: 0, sha256: 'abc', vpcId: OTHER_VPC });

      expect(response.status).toBe(400);
      expect(Object.keys(response.body.details).sort()).toEqual(['name', 'sha256', 'size', 'vpcId']);
    });

    it('answers 400 to a body that is not a JSON object, and to malformed JSON', async () => {
      expect((await call('POST', `${hpc()}/images/`, [1, 2])).status).toBe(400);
      const malformed = await fetch(`${hpc()}/images/`, { method: 'POST', headers: json, body: '{"name":' });
      expect(malformed.status).toBe(400);
      expect(await malformed.json()).toMatchObject({ status: false, error_code: '400000' });
    });

    it('answers 415 to a body that is not JSON', async () => {
      const response = await call('POST', `${hpc()}/images/`, 'name=x', { ...auth, 'content-type': 'text/plain' });

      expect(response).toMatchObject({ status: 415, body: { status: false, error_code: '415000' } });
    });

    it('refuses a second image with the sha256 of a live one', async () => {
      const data = randomBytes(10);
      await register(data);

      const response = await call('POST', `${hpc()}/images/`, { name: 'again', size: 10, sha256: sha256(data) });

      expect(response.status).toBe(400);
      expect(response.body.details.sha256[0]).toMatch(/already exists/);
    });
  });

  describe('upload: presign-urls, parts, complete', () => {
    it('presigns one URL per part, stores each PUT part with its md5 ETag, and completes to an active image', async () => {
      const data = randomBytes(2500);
      const id = await register(data);

      const presign = await call('POST', `${hpc()}/images/presign-urls/`, { sha256: sha256(data) });
      expect(presign.status).toBe(200);
      expect(presign.body.data).toHaveLength(3);
      expect(await customImage(id)).toMatchObject({ status: 'uploading' });

      const parts = await uploadParts(presign.body.data, data);
      expect(parts[0].ETag).toBe(`"${md5(data.subarray(0, 834))}"`);

      const complete = await call('PUT', `${hpc()}/images/${sha256(data)}/`, { parts, name: 'renamed' });
      expect(complete).toMatchObject({ status: 200, body: { message: 'Image upload completed successfully.' } });
      expect(await customImage(id)).toMatchObject({ status: 'active', name: 'renamed', error_message: null });
    });

    it('re-signs the same upload when asked again, so an interrupted upload can resume', async () => {
      const data = randomBytes(2048);
      await register(data);
      const first = await call('POST', `${hpc()}/images/presign-urls/`, { sha256: sha256(data) });
      const [part1] = await uploadParts([first.body.data[0]], data.subarray(0, 1024));

      const again = await call('POST', `${hpc()}/images/presign-urls/`, { sha256: sha256(data) });
      const [, part2] = await uploadParts(again.body.data, data);

      const complete = await call('PUT', `${hpc()}/images/${sha256(data)}/`, { parts: [part1, part2] });
      expect(complete.status).toBe(200);
    });

    it('marks the image failed when the uploaded bytes do not hash to the registered sha256', async () => {
      const registered = randomBytes(1500);
      const uploaded = randomBytes(1500);
      const id = await register(registered);
      const presign = await call('POST', `${hpc()}/images/presign-urls/`, { sha256: sha256(registered) });
      const parts = await uploadParts(presign.body.data, uploaded);

      const complete = await call('PUT', `${hpc()}/images/${sha256(registered)}/`, { parts });

      expect(complete.status).toBe(400);
      expect(complete.body.message).toContain(`SHA256 mismatch: the uploaded file hashes to ${sha256(uploaded)}`);
      expect(await customImage(id)).toMatchObject({ status: 'failed', error_message: complete.body.message });
    });

    it('marks the image failed when the upload is shorter than the registered size', async () => {
      const data = randomBytes(2000);
      const id = await register(data);
      const presign = await call('POST', `${hpc()}/images/presign-urls/`, { sha256: sha256(data) });
      const parts = await uploadParts(presign.body.data.slice(0, 1), data.subarray(0, 1000));

      const complete = await call('PUT', `${hpc()}/images/${sha256(data)}/`, { parts });

      expect(complete.status).toBe(400);
      expect(await customImage(id)).toMatchObject({ status: 'failed' });
    });

    it('answers 400 to a wrong ETag and keeps the upload open for a corrected complete', async () => {
      const data = randomBytes(1024);
      const id = await register(data);
      const presign = await call('POST', `${hpc()}/images/presign-urls/`, { sha256: sha256(data) });
      const parts = await uploadParts(presign.body.data, data);

      const wrong = await call('PUT', `${hpc()}/images/${sha256(data)}/`, {
        parts: [{ ETag: '"0000"', PartNumber: 1 }],
      });
      expect(wrong.status).toBe(400);
      expect(await customImage(id)).toMatchObject({ status: 'uploading' });

      expect((await call('PUT', `${hpc()}/images/${sha256(data)}/`, { parts })).status).toBe(200);
    });

    it('validates the complete body and answers 404 for an unknown file_sha', async () => {
      const missingParts = await call('PUT', `${hpc()}/images/${'a'.repeat(64)}/`, {});
      expect(missingParts.status).toBe(400);
      expect(missingParts.body.details).toEqual({ parts: ['This field is required.'] });

      const unknown = await call('PUT', `${hpc()}/images/${'a'.repeat(64)}/`, {
        parts: [{ ETag: '"x"', PartNumber: 1 }],
      });
      expect(unknown.status).toBe(404);
    });

    it('answers 400 to presign for a sha256 nobody registered, or for an image already active', async () => {
      expect((await call('POST', `${hpc()}/images/presign-urls/`, { sha256: 'b'.repeat(64) })).status).toBe(400);
      expect((await call('POST', `${hpc()}/images/presign-urls/`, {})).status).toBe(400);

      expect((await call('POST', `${hpc()}/images/presign-urls/`, { sha256: activeSha(emulator) })).status).toBe(400);
    });

    it('refuses part URLs whose signature was tampered with or that have expired, S3-style', async () => {
      const data = randomBytes(10);
      await register(data);
      const [url] = (await call('POST', `${hpc()}/images/presign-urls/`, { sha256: sha256(data) })).body
        .data as string[];

      const tampered = await fetch(url.replace(/X-Amz-Signature=[0-9a-f]/, 'X-Amz-Signature=z'), {
        method: 'PUT',
        body: data,
      });
      expect(tampered.status).toBe(403);
      expect(await tampered.text()).toContain('<Code>SignatureDoesNotMatch</Code>');

      now += 3601 * 1000;
      const expired = await fetch(url, { method: 'PUT', body: data });
      expect(expired.status).toBe(403);
      expect(await expired.text()).toContain('Request has expired');
    });

    it('streams parts to disk and leaves no part files behind once completed', async () => {
      const store = new LocalFptPartStore();
      try {
        const uploadId = await store.createUpload('k');
        const data = randomBytes(3 * 1024 * 1024);
        const part = await store.putPart(uploadId, 1, Readable.from(chunks(data, 64 * 1024)));
        expect(part).toEqual({ partNumber: 1, etag: `"${md5(data)}"`, size: data.length });

        const object = await store.completeUpload(uploadId, [{ partNumber: 1, etag: md5(data) }]);

        expect(object).toEqual({ key: 'k', size: data.length });
        expect(await readdir(join(store.dataDir, 'uploads'))).toEqual([]);
      } finally {
        await store.close();
      }
    });
  });

  describe('delete and sync', () => {
    it('deletes a custom image permanently', async () => {
      const id = await register(randomBytes(5));

      const response = await call('DELETE', `${hpc()}/images/${id}/`, undefined, auth);

      expect(response).toMatchObject({ status: 200, body: { message: 'Image deleted successfully.' } });
      expect(await customImage(id)).toBeUndefined();
      expect((await call('DELETE', `${hpc()}/images/${id}/`, undefined, auth)).status).toBe(404);
    });

    it('aborts the open upload of a deleted image, so its part URLs stop working', async () => {
      const data = randomBytes(10);
      const id = await register(data);
      const [url] = (await call('POST', `${hpc()}/images/presign-urls/`, { sha256: sha256(data) })).body
        .data as string[];

      expect((await call('DELETE', `${hpc()}/images/${id}/`, undefined, auth)).status).toBe(200);

      const late = await fetch(url, { method: 'PUT', body: data });
      expect(late.status).toBe(404);
      expect(await late.text()).toContain('<Code>NoSuchUpload</Code>');
    });

    it('refuses to delete a public image', async () => {
      const publicId = (await call('GET', `${hpc()}/images`, undefined, auth)).body.data[0].id;

      expect((await call('DELETE', `${hpc()}/images/${publicId}/`, undefined, auth)).status).toBe(403);
    });

    it('syncs an active image to the portal and refuses one still pending', async () => {
      const active = activeSha(emulator);
      const image = emulator.store.customImageBySha(active)!;
      const pending = await register(randomBytes(3));

      const synced = await call('POST', `${hpc()}/images/${image.id}/sync/`, undefined, auth);
      expect(synced).toMatchObject({ status: 200, body: { message: 'Image synced successfully.' } });
      expect(await customImage(image.id)).toMatchObject({ synced_at: '2025-07-01T12:00:00.000000Z' });

      expect((await call('POST', `${hpc()}/images/${pending}/sync/`, undefined, auth)).status).toBe(400);
      expect((await call('POST', `${hpc()}/images/nope/sync/`, undefined, auth)).status).toBe(404);
      // A JSON content type with no body reads as {}, as in Django REST Framework.
      expect((await call('POST', `${hpc()}/images/${image.id}/sync/`)).status).toBe(200);
    });
  });
});

describe('generateFptSeed', () => {
  it('is deterministic for a seed and a VPC', () => {
    const a = generateFptSeed({ count: 50, seed: 3, vpcId: VPC });
    const b = generateFptSeed({ count: 50, seed: 3, vpcId: VPC });
    const c = generateFptSeed({ count: 50, seed: 4, vpcId: VPC });

    expect(a).toEqual(b);
    expect(a.publicImages[0].id).not.toBe(c.publicImages[0].id);
  });

  it('covers Ubuntu 22.04/24.04 with NVIDIA 550 and 570, Rocky 9, application images and every upload state', () => {
    const { publicImages, customImages } = generateFptSeed({ count: 200, seed: 1, vpcId: VPC });

    const os = new Set(publicImages.map((image) => `${image.os_name} ${image.os_version}`));
    expect([...os].sort()).toEqual(['Rocky Linux 9.4', 'Rocky Linux 9.5', 'Ubuntu 22.04', 'Ubuntu 24.04']);
    const branches = new Set(publicImages.map((image) => image.driver_version?.split('.')[0]));
    expect(branches).toEqual(new Set(['550', '570', undefined]));
    expect(publicImages.some((image) => image.image_type === 'application')).toBe(true);
    expect(new Set(publicImages.flatMap((image) => image.gpu_models))).toEqual(new Set(['H100', 'H200']));
    expect(new Set(customImages.map((image) => image.status))).toEqual(
      new Set(['active', 'pending', 'uploading', 'processing', 'failed']),
    );
    expect(customImages.every((image) => image.vpc_id === VPC)).toBe(true);
  });

  it('generates and serves 10,000 images quickly', async () => {
    const started = performance.now();
    const seed = generateFptSeed({ count: 10_000, seed: 9, vpcId: VPC });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(seed.publicImages.length + seed.customImages.length).toBe(10_000);

    const big = createFptEmulator({ vpcId: VPC, tokens: [TOKEN], ...seed });
    try {
      const url = await big.listen();
      const listStarted = performance.now();
      const response = await fetch(`${url}/api/v2/vmware/vpc/${VPC}/hpc/custom-images`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      const body = (await response.json()) as { data: unknown[] };
      expect(body.data).toHaveLength(seed.customImages.length);
      expect(performance.now() - listStarted).toBeLessThan(2000);
    } finally {
      await big.close();
    }
  });
});

function activeSha(emulator: FptEmulator): string {
  return emulator.store.customRecords().find((image) => image.status === 'active')!.sha256;
}

function* chunks(data: Buffer, size: number): Generator<Buffer> {
  for (let offset = 0; offset < data.length; offset += size) yield data.subarray(offset, offset + size);
}
