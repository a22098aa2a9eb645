import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { type EmbeddedS3, startEmbeddedS3 } from '../../../../../sandbox/embedded-s3';
import { createFptEmulator, type FptEmulator } from './fpt.emulator';
import { sha256OfStream } from './fpt-object-digest';
import { FptInvalidPartError, FptNoSuchUploadError } from './fpt-part-store';
import { S3FptPartStore, s3PartStoreOptionsFromEnv } from './fpt-s3-part-store';
import { objectKey } from './fpt-route.context';

const VPC = '0f6c1f2e-3b4a-4d5e-8f90-123456789abc';
const TOKEN = 'fpt-s3-test-token';
const BUCKET = 'fpt-emulator-parts';
const HOUR = 3600 * 1000;

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const md5 = (data: Buffer) => createHash('md5').update(data).digest('hex');

describe('FPT Metal Cloud emulator with the S3 part store (s3rver)', () => {
  let s3: EmbeddedS3;
  let store: S3FptPartStore;
  let emulator: FptEmulator;
  let base: string;
  let signingSkewMs: number;

  beforeAll(async () => {
    s3 = await startEmbeddedS3('image-broker-staging');
    // The store makes its own bucket, which the embedded server was not configured with.
    store = new S3FptPartStore({ ...s3PartStoreOptionsFromEnv(s3.env, BUCKET), now: () => Date.now() + signingSkewMs });
    emulator = createFptEmulator({ vpcId: VPC, tokens: [TOKEN], partStore: store, partSizeBytes: 1024 });
    base = await emulator.listen();
  });
  afterAll(async () => {
    await emulator.close();
    await store.close();
    await s3.close();
  });
  beforeEach(() => {
    signingSkewMs = 0;
  });

  const hpc = () => `${base}/api/v2/vmware/vpc/${VPC}/hpc`;
  const auth = { authorization: `Bearer ${TOKEN}` };
  const json = { ...auth, 'content-type': 'application/json' };

  async function call(method: string, url: string, body?: unknown, headers: Record<string, string> = json) {
    const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
  }

  async function register(data: Buffer, registeredSha = sha256(data)): Promise<string> {
    const response = await call('POST', `${hpc()}/images/`, { name: 'img', size: data.length, sha256: registeredSha });
    expect(response.status).toBe(201);
    return response.body.data.image_id as string;
  }

  async function presign(sha: string): Promise<string[]> {
    const response = await call('POST', `${hpc()}/images/presign-urls/`, { sha256: sha });
    expect(response.status).toBe(200);
    return response.body.data as string[];
  }

  async function putParts(urls: string[], data: Buffer, first = 0) {
    const partSize = Math.ceil(data.length / urls.length);
    const parts = [];
    for (let index = first; index < urls.length; index++) {
      const chunk = data.subarray(index * partSize, (index + 1) * partSize);
      const response = await fetch(urls[index], { method: 'PUT', body: chunk });
      expect(response.status).toBe(200);
      parts.push({ ETag: response.headers.get('etag') as string, PartNumber: index + 1 });
    }
    return parts;
  }

  /** The image as the emulator holds it: FPT's list shows only the register answer's fields of it. */
  function customImage(id: string): Promise<Record<string, unknown> | undefined> {
    return Promise.resolve(emulator.store.customImage(id) as Record<string, unknown> | undefined);
  }

  function s3Client(): S3Client {
    const o = s3PartStoreOptionsFromEnv(s3.env, BUCKET);
    return new S3Client({
      endpoint: o.endpoint,
      region: o.region,
      forcePathStyle: true,
      credentials: { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async function objectExists(imageId: string): Promise<boolean> {
    const client = s3Client();
    try {
      await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: objectKey(VPC, imageId) }));
      return true;
    } catch (error) {
      if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
      throw error;
    } finally {
      client.destroy();
    }
  }

  it('presigns S3 UploadPart URLs; parts go straight to S3, and complete assembles a real object', async () => {
    const data = randomBytes(2500);
    const id = await register(data);

    const urls = await presign(sha256(data));
    expect(urls).toHaveLength(3);
    for (const [index, url] of urls.entries()) {
      const parsed = new URL(url);
      expect(parsed.origin).toBe(s3.endpoint);
      expect(parsed.pathname).toBe(`/${BUCKET}/${objectKey(VPC, id)}`);
      expect(parsed.searchParams.get('partNumber')).toBe(String(index + 1));
      expect(parsed.searchParams.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
      expect(parsed.searchParams.get('X-Amz-Expires')).toBe('3600');
    }
    expect(new Set(urls.map((url) => new URL(url).searchParams.get('uploadId'))).size).toBe(1);

    const parts = await putParts(urls, data);
    expect(parts[0].ETag).toBe(`"${md5(data.subarray(0, 834))}"`);

    const complete = await call('PUT', `${hpc()}/images/${sha256(data)}/`, { parts });
    expect(complete).toMatchObject({ status: 200, body: { message: 'Image upload completed successfully.' } });
    expect(await customImage(id)).toMatchObject({ status: 'active', error_message: null });
    expect(await sha256OfStream(store.readObject(objectKey(VPC, id)))).toBe(sha256(data));
  });

  it('re-signs the same S3 multipart upload when asked again, so an interrupted upload resumes', async () => {
    const data = randomBytes(2048);
    const id = await register(data);
    const first = await presign(sha256(data));
    const [part1] = await putParts(first.slice(0, 1), data.subarray(0, 1024));

    const again = await presign(sha256(data));
    expect(new URL(again[0]).searchParams.get('uploadId')).toBe(new URL(first[0]).searchParams.get('uploadId'));
    const [part2] = await putParts(again, data, 1);

    expect((await call('PUT', `${hpc()}/images/${sha256(data)}/`, { parts: [part1, part2] })).status).toBe(200);
    expect(await customImage(id)).toMatchObject({ status: 'active' });
  });

  it('marks the image failed and removes the S3 object when the bytes do not hash to the registered sha256', async () => {
    const registered = randomBytes(1500);
    const uploaded = randomBytes(1500);
    const id = await register(registered);
    const parts = await putParts(await presign(sha256(registered)), uploaded);

    const complete = await call('PUT', `${hpc()}/images/${sha256(registered)}/`, { parts });

    expect(complete.status).toBe(400);
    expect(complete.body.message).toContain(`SHA256 mismatch: the uploaded file hashes to ${sha256(uploaded)}`);
    expect(await customImage(id)).toMatchObject({ status: 'failed', error_message: complete.body.message });
    expect(await objectExists(id)).toBe(false);
  });

  it('marks the image failed when the assembled object is shorter than the registered size', async () => {
    const data = randomBytes(2000);
    const id = await register(data);
    const urls = await presign(sha256(data));
    const parts = await putParts(urls.slice(0, 1), data.subarray(0, 1000));

    const complete = await call('PUT', `${hpc()}/images/${sha256(data)}/`, { parts });

    expect(complete.status).toBe(400);
    expect(complete.body.message).toContain('1000 bytes but the image was registered with 2000 bytes');
    expect(await customImage(id)).toMatchObject({ status: 'failed' });
  });

  it('answers 400 to a part list out of order and keeps the upload open', async () => {
    const data = randomBytes(2048);
    const id = await register(data);
    const parts = await putParts(await presign(sha256(data)), data);

    const reversed = await call('PUT', `${hpc()}/images/${sha256(data)}/`, { parts: [...parts].reverse() });
    expect(reversed.status).toBe(400);
    expect(reversed.body.message).toContain('ascending order');
    expect(await customImage(id)).toMatchObject({ status: 'uploading' });

    expect((await call('PUT', `${hpc()}/images/${sha256(data)}/`, { parts })).status).toBe(200);
  });

  it('hands out URLs S3 refuses with 403 once expired, and fresh ones on asking again', async () => {
    const data = randomBytes(100);
    await register(data);
    signingSkewMs = -2 * HOUR;
    const [stale] = await presign(sha256(data));

    const expired = await fetch(stale, { method: 'PUT', body: data });
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('Request has expired');

    signingSkewMs = 0;
    const [fresh] = await presign(sha256(data));
    expect((await fetch(fresh, { method: 'PUT', body: data })).status).toBe(200);
  });

  it('deletes an image with its open upload, and an active image with its S3 object', async () => {
    const open = randomBytes(10);
    const openId = await register(open);
    const [url] = await presign(sha256(open));
    const uploadId = new URL(url).searchParams.get('uploadId') as string;
    expect(store.hasUpload(uploadId)).toBe(true);

    expect((await call('DELETE', `${hpc()}/images/${openId}/`, undefined, auth)).status).toBe(200);
    expect(store.hasUpload(uploadId)).toBe(false);
    expect(await customImage(openId)).toBeUndefined();

    const done = randomBytes(10);
    const doneId = await register(done);
    const parts = await putParts(await presign(sha256(done)), done);
    expect((await call('PUT', `${hpc()}/images/${sha256(done)}/`, { parts })).status).toBe(200);
    expect(await objectExists(doneId)).toBe(true);

    expect((await call('DELETE', `${hpc()}/images/${doneId}/`, undefined, auth)).status).toBe(200);
    expect(await objectExists(doneId)).toBe(false);
  });

  describe('S3FptPartStore', () => {
    it('creates its bucket when missing, and refuses uploads it does not know', async () => {
      const other = new S3FptPartStore(s3PartStoreOptionsFromEnv(s3.env, 'fpt-another-bucket'));
      try {
        const uploadId = await other.createUpload('hpc-images/x/y');
        expect(other.hasUpload(uploadId)).toBe(true);

        await expect(other.presignPart('nope', 1)).rejects.toBeInstanceOf(FptNoSuchUploadError);
        await expect(other.completeUpload('nope', [{ partNumber: 1, etag: 'x' }])).rejects.toBeInstanceOf(
          FptNoSuchUploadError,
        );
        await expect(other.completeUpload(uploadId, [])).rejects.toBeInstanceOf(FptInvalidPartError);
        await expect(other.abortUpload('nope')).resolves.toBeUndefined();
        // s3rver has no AbortMultipartUpload; the store forgets the upload all the same.
        await other.abortUpload(uploadId);
        expect(other.hasUpload(uploadId)).toBe(false);
        await expect(other.deleteObject('never-written')).resolves.toBeUndefined();
      } finally {
        await other.close();
      }
    });

    it('is what createFptEmulator builds and closes from the s3PartStore option', async () => {
      const owned = createFptEmulator({ vpcId: VPC, s3PartStore: s3PartStoreOptionsFromEnv(s3.env, BUCKET) });
      try {
        expect(owned.partStore).toBeInstanceOf(S3FptPartStore);
      } finally {
        await owned.close();
      }
    });
  });
});
