import { createHash } from 'node:crypto';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { embeddedStagingConfig, startEmbeddedS3, type EmbeddedS3 } from '../../../sandbox/embedded-s3';
import { S3StagingStorage } from './s3-staging.storage';
import { segmentKey } from './segmented-layout';
import { StagedSizeMismatchError } from './staging-storage';

const MiB = 1024 * 1024;

/** Deterministic bytes in chunks of odd sizes, so chunks straddle segment boundaries. */
function patterned(size: number): { whole: Buffer; chunks: Buffer[] } {
  const whole = Buffer.alloc(size);
  for (let i = 0; i < size; i++) whole[i] = (i * 17 + (i >> 11)) & 0xff;
  const chunks: Buffer[] = [];
  for (let at = 0, step = 1; at < size; at += step, step = (step * 5 + 40_009) % 200_003) {
    chunks.push(whole.subarray(at, Math.min(size, at + step)));
  }
  return { whole, chunks };
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('staging a body of known size as segments', () => {
  let s3: EmbeddedS3;
  let staging: S3StagingStorage;

  async function read(key: string): Promise<Buffer | null> {
    if ((await staging.size(key)) === null) return null;
    const parts: Buffer[] = [];
    for await (const chunk of await staging.read(key)) parts.push(chunk as Buffer);
    return Buffer.concat(parts);
  }

  async function keys(prefix: string): Promise<string[]> {
    const res = await fetch(
      `${s3.endpoint}/${s3.env.STAGING_S3_BUCKET}?list-type=2&prefix=${encodeURIComponent(prefix)}`,
    );
    return [...(await res.text()).matchAll(/<Key>([^<]+)<\/Key>/g)].map((m) => m[1]);
  }

  beforeAll(async () => {
    s3 = await startEmbeddedS3();
    staging = new S3StagingStorage(embeddedStagingConfig(s3, MiB));
  });
  afterAll(async () => {
    staging?.destroy();
    await s3?.close();
  });

  it('stores each segment byte for byte and announces it with the bytes staged so far', async () => {
    const body = patterned(2 * MiB + MiB / 2);
    const announced: number[] = [];
    await staging.putSegments('seg/whole', Readable.from(body.chunks), body.whole.length, MiB, async (staged) => {
      announced.push(staged);
      // Each announced segment can be read at once, before the next is sent.
      const last = await read(segmentKey('seg/whole', announced.length - 1));
      expect(last?.length).toBe(staged - (announced.length - 1) * MiB);
    });
    expect(announced).toEqual([MiB, 2 * MiB, 2 * MiB + MiB / 2]);
    const segments = await Promise.all([0, 1, 2].map((i) => read(segmentKey('seg/whole', i))));
    expect(sha256(Buffer.concat(segments as Buffer[]))).toBe(sha256(body.whole));
  });

  it('fails a body that ends short, never announcing its last segment', async () => {
    const body = patterned(2 * MiB + 10);
    const announced: number[] = [];
    await expect(
      staging.putSegments('seg/short', Readable.from(body.chunks), 3 * MiB, MiB, async (staged) => {
        announced.push(staged);
      }),
    ).rejects.toBeInstanceOf(StagedSizeMismatchError);
    expect(announced).toEqual([MiB, 2 * MiB]);
  });

  it('fails a body that runs on past its size before announcing the end', async () => {
    const body = patterned(2 * MiB + 1);
    const announced: number[] = [];
    await expect(
      staging.putSegments('seg/long', Readable.from(body.chunks), 2 * MiB, MiB, async (staged) => {
        announced.push(staged);
      }),
    ).rejects.toBeInstanceOf(StagedSizeMismatchError);
    expect(announced).toEqual([MiB]);
  });

  it('stores an empty body as one empty segment', async () => {
    const announced: number[] = [];
    await staging.putSegments('seg/empty', Readable.from([]), 0, MiB, async (staged) => {
      announced.push(staged);
    });
    expect(announced).toEqual([0]);
    expect(await staging.size(segmentKey('seg/empty', 0))).toBe(0);
  });

  it('deletes every segment under a prefix and nothing beside it', async () => {
    const body = patterned(3 * MiB);
    await staging.putSegments('seg/gone', Readable.from(body.chunks), 3 * MiB, MiB, async () => undefined);
    await staging.putSegments('seg/gone-not', Readable.from([Buffer.from('kept')]), 4, MiB, async () => undefined);
    expect(await keys('seg/gone/')).toHaveLength(3);
    await staging.deletePrefix('seg/gone/');
    expect(await keys('seg/gone/')).toEqual([]);
    expect(await keys('seg/gone-not/')).toEqual([segmentKey('seg/gone-not', 0)]);
  });

  it('deletes a prefix one object at a time where the store refuses DeleteObjects (no Content-MD5)', async () => {
    // In front of s3rver: every request passes, except a multi-object delete, refused as some stores do.
    const upstream = new URL(s3.endpoint);
    const refused: string[] = [];
    const proxy = createServer((req, res) => {
      if (req.method === 'POST' && new URL(req.url ?? '/', 'http://x').searchParams.has('delete')) {
        refused.push(req.url ?? '');
        req.resume();
        res.writeHead(400, { 'content-type': 'application/xml' });
        res.end('<Error><Code>MissingContentMD5</Code><Message>Missing required header</Message></Error>');
        return;
      }
      const forward = request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(forward);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const fussy = new S3StagingStorage({
      ...embeddedStagingConfig(s3, MiB),
      endpoint: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    });
    try {
      const body = patterned(2 * MiB + 5);
      await fussy.putSegments('seg/fussy', Readable.from(body.chunks), body.whole.length, MiB, async () => undefined);
      expect(await keys('seg/fussy/')).toHaveLength(3);
      await fussy.deletePrefix('seg/fussy/');
      expect(refused).toHaveLength(1);
      expect(await keys('seg/fussy/')).toEqual([]);
    } finally {
      fussy.destroy();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });
});
