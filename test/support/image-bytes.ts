import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';

/** Deterministic pseudo-random image bytes, generated chunk by chunk, never all in memory. */
export class TestImageBytes {
  readonly sha256: string;
  readonly sha512: string;
  readonly md5: string;
  private readonly seed: Buffer;

  constructor(
    readonly sizeBytes: number,
    seedText = 'image',
  ) {
    this.seed = createHash('sha256').update(seedText).digest();
    const h256 = createHash('sha256');
    const h512 = createHash('sha512');
    const md5 = createHash('md5');
    for (const chunk of this.chunks()) {
      h256.update(chunk);
      h512.update(chunk);
      md5.update(chunk);
    }
    this.sha256 = h256.digest('hex');
    this.sha512 = h512.digest('hex');
    this.md5 = md5.digest('hex');
  }

  /** The bytes as a stream; `limit` stops early (a client that disconnects). */
  stream(limit = this.sizeBytes): Readable {
    return Readable.from(this.limited(limit));
  }

  private *limited(limit: number): Generator<Buffer> {
    let sent = 0;
    for (const chunk of this.chunks()) {
      if (sent >= limit) return;
      const part = chunk.subarray(0, Math.min(chunk.length, limit - sent));
      sent += part.length;
      yield part;
    }
  }

  /** Bytes start..end inclusive, as a Buffer (small ranges only). */
  slice(start: number, end: number): Buffer {
    const parts: Buffer[] = [];
    let offset = 0;
    for (const chunk of this.chunks()) {
      const chunkEnd = offset + chunk.length;
      if (chunkEnd > start && offset <= end) {
        parts.push(chunk.subarray(Math.max(0, start - offset), Math.min(chunk.length, end - offset + 1)));
      }
      offset = chunkEnd;
      if (offset > end) break;
    }
    return Buffer.concat(parts);
  }

  private *chunks(): Generator<Buffer> {
    const chunkSize = 1024 * 1024;
    for (let offset = 0, i = 0; offset < this.sizeBytes; offset += chunkSize, i++) {
      const block = createHash('sha512').update(this.seed).update(String(i)).digest();
      const chunk = Buffer.alloc(Math.min(chunkSize, this.sizeBytes - offset));
      for (let j = 0; j < chunk.length; j += block.length) block.copy(chunk, j);
      yield chunk;
    }
  }
}
