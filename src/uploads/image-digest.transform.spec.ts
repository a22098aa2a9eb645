import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ImageDigestTransform, SizeExceededError } from './image-digest.transform';

describe('hashing an image on its way through', () => {
  const chunks = [Buffer.from('hello '), Buffer.alloc(100_000, 7), Buffer.from('world')];
  const whole = Buffer.concat(chunks);

  it('yields size, sha256, sha512 and md5 of the bytes, and passes them through unchanged', async () => {
    const digest = new ImageDigestTransform();
    const out: Buffer[] = [];
    await pipeline(Readable.from(chunks), digest, async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) out.push(chunk);
    });
    expect(Buffer.concat(out).equals(whole)).toBe(true);
    expect(digest.digest()).toEqual({
      sizeBytes: whole.length,
      sha256: createHash('sha256').update(whole).digest('hex'),
      sha512: createHash('sha512').update(whole).digest('hex'),
      md5: createHash('md5').update(whole).digest('hex'),
    });
  });

  it('stops a body larger than declared', async () => {
    const digest = new ImageDigestTransform(10);
    await expect(
      pipeline(Readable.from(chunks), digest, async (source: AsyncIterable<Buffer>) => {
        for await (const _ of source) void _;
      }),
    ).rejects.toBeInstanceOf(SizeExceededError);
  });
});
