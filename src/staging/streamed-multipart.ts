import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { StagedSizeMismatchError } from './staging-storage';

/**
 * Cuts one stream into consecutive pieces of given lengths without copying:
 * a chunk that straddles a boundary is split with subarray, and the rest is
 * kept for the next piece.
 *
 * A piece never errors: the SDK pipes a request body without listening for
 * its errors, so an erroring body would be an unhandled 'error' event and a
 * request left waiting for bytes. When the source fails (it errors, ends
 * short, or runs past the expected size) the piece records why, aborts its
 * request through `abort`, and ends; the put then reports `failure`.
 */
class StreamSlicer {
  private readonly chunks: AsyncIterator<Buffer>;
  private carry: Buffer | null = null;
  private ended = false;
  private received = 0;
  failure: Error | null = null;

  constructor(
    source: Readable,
    private readonly expectedBytes: number,
  ) {
    this.chunks = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  /** The next `length` bytes as a stream; the last piece also checks that the source has no more. */
  piece(length: number, last: boolean, abort: (reason: Error) => void): Readable {
    return Readable.from(this.take(length, last, abort), { objectMode: false });
  }

  private async *take(length: number, last: boolean, abort: (reason: Error) => void): AsyncGenerator<Buffer> {
    try {
      yield* this.bytes(length);
      // Before the last byte leaves: a body that runs on must not complete the object.
      if (last) await this.assertEnded();
    } catch (error) {
      this.failure ??= error as Error;
      abort(this.failure);
    }
  }

  private async *bytes(length: number): AsyncGenerator<Buffer> {
    let left = length;
    while (left > 0) {
      const chunk = this.carry ?? (await this.nextChunk());
      this.carry = null;
      if (!chunk) throw new StagedSizeMismatchError(this.expectedBytes, this.received);
      if (chunk.length > left) {
        this.carry = chunk.subarray(left);
        this.received += left;
        yield chunk.subarray(0, left);
        return;
      }
      left -= chunk.length;
      this.received += chunk.length;
      yield chunk;
    }
  }

  private async assertEnded(): Promise<void> {
    const next = this.carry ?? (await this.nextChunk());
    if (next && next.length > 0) throw new StagedSizeMismatchError(this.expectedBytes, this.received + next.length);
  }

  private async nextChunk(): Promise<Buffer | null> {
    if (this.ended) return null;
    const { value, done } = await this.chunks.next();
    if (done) {
      this.ended = true;
      return null;
    }
    return Buffer.isBuffer(value) ? value : Buffer.from(value as Uint8Array);
  }
}

export interface StreamedPutTarget {
  s3: S3Client;
  bucket: string;
  key: string;
}

/**
 * Writes a stream of known size into S3, each part streamed straight from
 * the source with its Content-Length, one part at a time. Nothing is held
 * beyond the sockets' own buffers, where lib-storage's Upload holds every
 * part it sends (queueSize × partSize, plus the one it fills). The price is
 * that a failed part cannot be sent again: the whole put fails, which callers
 * already treat as a failed staging. Fails with StagedSizeMismatchError when
 * the body is not `sizeBytes` long, and then nothing is stored.
 */
export async function putStreamedParts(
  target: StreamedPutTarget,
  body: Readable,
  sizeBytes: number,
  partBytes: number,
  signal?: AbortSignal,
): Promise<void> {
  const { s3, bucket, key } = target;
  const slicer = new StreamSlicer(body, sizeBytes);

  /** Sends one piece; a source failure aborts the request and is what the put reports. */
  const send = async <T>(
    length: number,
    last: boolean,
    request: (piece: Readable, abortSignal: AbortSignal) => Promise<T>,
  ): Promise<T> => {
    const attempt = new AbortController();
    const piece = slicer.piece(length, last, (reason) => attempt.abort(reason));
    try {
      return await request(piece, signal ? AbortSignal.any([signal, attempt.signal]) : attempt.signal);
    } catch (error) {
      throw slicer.failure ?? error;
    } finally {
      piece.destroy();
    }
  };

  if (sizeBytes <= partBytes) {
    await send(sizeBytes, true, (piece, abortSignal) =>
      s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: piece, ContentLength: sizeBytes }), {
        abortSignal,
      }),
    );
    return;
  }
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }), {
    abortSignal: signal,
  });
  const parts: Array<{ PartNumber: number; ETag: string }> = [];
  try {
    for (let start = 0, partNumber = 1; start < sizeBytes; start += partBytes, partNumber++) {
      const length = Math.min(partBytes, sizeBytes - start);
      const answer = await send(length, start + length >= sizeBytes, (piece, abortSignal) =>
        s3.send(
          new UploadPartCommand({
            Bucket: bucket,
            Key: key,
            UploadId,
            PartNumber: partNumber,
            Body: piece,
            ContentLength: length,
          }),
          { abortSignal },
        ),
      );
      parts.push({ PartNumber: partNumber, ETag: answer.ETag ?? '' });
    }
    await s3.send(
      new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: parts } }),
      { abortSignal: signal },
    );
  } catch (error) {
    // Stores without AbortMultipartUpload (s3rver) keep the parts until their own expiry.
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId })).catch(() => undefined);
    throw error;
  }
}
