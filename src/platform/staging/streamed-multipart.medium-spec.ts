import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { startEmbeddedS3, type EmbeddedS3 } from '../../../sandbox/embedded-s3';
import { createS3Client } from './s3-client.factory';
import { StagedSizeMismatchError } from './staging-storage';
import { putStreamed } from './streamed-multipart';
import { scenarioDelay } from '../../../test/support/wait-for';

const MiB = 1024 * 1024;
/** Small bodies exercise both ways: one PUT up to 5 MiB, 5 MiB parts beyond. */
const SMALL = { partBytes: 5 * MiB, singlePutMaxBytes: 5 * MiB };

/** Deterministic bytes in chunks of odd sizes, so chunks straddle part boundaries. */
function patterned(size: number): { chunks: Buffer[]; sha256: string } {
  const whole = Buffer.alloc(size);
  for (let i = 0; i < size; i++) whole[i] = (i * 31 + (i >> 13)) & 0xff;
  const chunks: Buffer[] = [];
  for (let at = 0, step = 1; at < size; at += step, step = (step * 7 + 65_537) % 300_007) {
    chunks.push(whole.subarray(at, Math.min(size, at + step)));
  }
  return { chunks, sha256: createHash('sha256').update(whole).digest('hex') };
}

describe('streaming a body of known size into S3 in one PUT or part by part', () => {
  let s3: EmbeddedS3;
  let client: S3Client;
  const bucket = 'image-broker-staging';

  async function stored(key: string): Promise<string | null> {
    try {
      await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    } catch {
      return null;
    }
    const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const hash = createHash('sha256');
    for await (const chunk of object.Body as Readable) hash.update(chunk as Buffer);
    return hash.digest('hex');
  }

  /** The commands the client sent, in order. */
  let sent: string[] = [];

  beforeAll(async () => {
    s3 = await startEmbeddedS3(bucket);
    client = createS3Client({
      endpoint: s3.endpoint,
      region: 'us-east-1',
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
    });
    client.middlewareStack.add(
      (next, context) => (args) => {
        sent.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize' },
    );
  });
  afterAll(async () => {
    client?.destroy();
    await s3?.close();
  });

  it('stores a body of several parts byte for byte, whatever its chunks', async () => {
    const body = patterned(12 * MiB + 3);
    sent = [];
    await putStreamed({ s3: client, bucket, key: 'parts/three' }, Readable.from(body.chunks), 12 * MiB + 3, SMALL);
    expect(sent).toEqual([
      'CreateMultipartUploadCommand',
      'UploadPartCommand',
      'UploadPartCommand',
      'UploadPartCommand',
      'CompleteMultipartUploadCommand',
    ]);
    expect(await stored('parts/three')).toBe(body.sha256);
  });

  it('stores a body no larger than the single-PUT limit with one PUT', async () => {
    const body = patterned(MiB + 17);
    sent = [];
    await putStreamed({ s3: client, bucket, key: 'parts/one' }, Readable.from(body.chunks), MiB + 17, SMALL);
    expect(sent).toEqual(['PutObjectCommand']);
    expect(await stored('parts/one')).toBe(body.sha256);
  });

  it('resolves only once the body has ended, though the store answers as soon as it has the promised bytes', async () => {
    for (const [key, size] of [
      ['parts/late-end-single', MiB],
      ['parts/late-end-multi', 6 * MiB],
    ] as const) {
      let ended = false;
      async function* endsLate() {
        yield Buffer.alloc(size, 4);
        await scenarioDelay(150); // the source ends well after its last byte
        ended = true;
      }
      await putStreamed({ s3: client, bucket, key }, Readable.from(endsLate()), size, SMALL);
      expect(ended).toBe(true);
    }
  });

  it('fails with the bytes it received when the body ends short, and stages nothing', async () => {
    const body = patterned(7 * MiB);
    const put = putStreamed({ s3: client, bucket, key: 'parts/short' }, Readable.from(body.chunks), 8 * MiB, SMALL);
    await expect(put).rejects.toBeInstanceOf(StagedSizeMismatchError);
    await expect(put).rejects.toMatchObject({ expectedBytes: 8 * MiB, receivedBytes: 7 * MiB });
    expect(await stored('parts/short')).toBeNull();
  });

  it('fails when the body goes on past the expected size, and stages nothing', async () => {
    for (const [key, size, expected] of [
      ['parts/long', 11 * MiB, 10 * MiB],
      ['parts/long-single', 2 * MiB, MiB],
    ] as const) {
      const body = patterned(size);
      const put = putStreamed({ s3: client, bucket, key }, Readable.from(body.chunks), expected, SMALL);
      await expect(put).rejects.toMatchObject({ name: 'StagedSizeMismatchError', expectedBytes: expected });
      expect(await stored(key)).toBeNull();
    }
  });

  it('fails with the body’s own error when the body breaks off mid-part', async () => {
    const broken = new Error('the client disconnected mid-upload');
    async function* breaksOff() {
      yield Buffer.alloc(6 * MiB, 1);
      throw broken;
    }
    const put = putStreamed({ s3: client, bucket, key: 'parts/broken' }, Readable.from(breaksOff()), 12 * MiB, SMALL);
    await expect(put).rejects.toBe(broken);
    expect(await stored('parts/broken')).toBeNull();
  });

  it('stops when its signal is aborted', async () => {
    const cancel = new AbortController();
    async function* slow() {
      yield Buffer.alloc(MiB, 2);
      cancel.abort(new Error('cancelled by a user'));
      await scenarioDelay(50); // the next chunk comes after the abort
      yield Buffer.alloc(MiB, 2);
    }
    const put = putStreamed({ s3: client, bucket, key: 'parts/cancelled' }, Readable.from(slow()), 12 * MiB, {
      ...SMALL,
      signal: cancel.signal,
    });
    await expect(put).rejects.toThrow();
    expect(await stored('parts/cancelled')).toBeNull();
  });
});
