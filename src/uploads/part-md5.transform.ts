import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/**
 * The md5 of each fixed-size part of a stream: the ETag S3 gives a part of a
 * multipart upload, so a completed upload can be checked against the ETags a
 * client reported even where the store cannot list its parts.
 */
export class PartMd5Transform extends Transform {
  private readonly sums: string[] = [];
  private current: Hash = createHash('md5');
  private filled = 0;

  constructor(private readonly partSize: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(this.partSize - this.filled, chunk.length - offset);
      this.current.update(chunk.subarray(offset, offset + take));
      this.filled += take;
      offset += take;
      if (this.filled === this.partSize) this.closePart();
    }
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.filled > 0) this.closePart();
    callback();
  }

  digests(): string[] {
    return this.sums;
  }

  private closePart(): void {
    this.sums.push(this.current.digest('hex'));
    this.current = createHash('md5');
    this.filled = 0;
  }
}
