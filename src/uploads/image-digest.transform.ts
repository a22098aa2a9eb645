import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

export interface ImageDigest {
  sizeBytes: number;
  sha256: string;
  sha512: string;
  md5: string;
}

/** Thrown into the stream when more bytes arrive than were declared. */
export class SizeExceededError extends Error {
  constructor(readonly limit: number) {
    super(`the body is larger than the declared ${limit} bytes`);
    this.name = 'SizeExceededError';
  }
}

/**
 * Passes bytes through unchanged while counting them and hashing them with
 * sha256 (what users and FPT declare), sha512 (Glance's os_hash_value) and md5
 * (Glance's checksum), so one pass over the stream yields every checksum the
 * chain needs. Stops the stream as soon as it exceeds `maxBytes`.
 */
export class ImageDigestTransform extends Transform {
  private readonly hashes: { sha256: Hash; sha512: Hash; md5: Hash } = {
    sha256: createHash('sha256'),
    sha512: createHash('sha512'),
    md5: createHash('md5'),
  };
  private bytes = 0;
  private result: ImageDigest | null = null;

  constructor(private readonly maxBytes: number | null = null) {
    super();
  }

  get bytesSeen(): number {
    return this.bytes;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.maxBytes !== null && this.bytes > this.maxBytes) {
      callback(new SizeExceededError(this.maxBytes));
      return;
    }
    this.hashes.sha256.update(chunk);
    this.hashes.sha512.update(chunk);
    this.hashes.md5.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.result = {
      sizeBytes: this.bytes,
      sha256: this.hashes.sha256.digest('hex'),
      sha512: this.hashes.sha512.digest('hex'),
      md5: this.hashes.md5.digest('hex'),
    };
    callback();
  }

  /** The digest of everything that passed; only once the stream has ended. */
  digest(): ImageDigest {
    if (!this.result) throw new Error('the stream has not ended');
    return this.result;
  }
}
