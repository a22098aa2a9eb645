import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { segmentCount, segmentKey, segmentLength } from './segmented-layout';
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

  /** The next `length` bytes as a stream. */
  piece(length: number, abort: (reason: Error) => void): Readable {
    return Readable.from(this.take(length, abort), { objectMode: false });
  }

  /**
   * Waits for the source's end, failing when it has more bytes. Called after
   * the last piece was stored: a store answers as soon as it has the
   * Content-Length it was promised, which may be before the source ended.
   */
  async assertEnded(): Promise<void> {
    try {
      const next = this.carry ?? (await this.nextChunk());
      if (next && next.length > 0) {
        throw new StagedSizeMismatchError(this.expectedBytes, this.received + next.length);
      }
    } catch (error) {
      this.failure ??= error as Error;
      throw this.failure;
    }
  }

  private async *take(length: number, abort: (reason: Error) => void): AsyncGenerator<Buffer> {
    try {
      yield* this.bytes(length);
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

/** The largest object S3 accepts in one PUT. */
export const S3_MAX_SINGLE_PUT_BYTES = 5 * 1024 * 1024 * 1024;

export interface StreamedPutOptions {
  /** The part size when the body needs a multipart upload. */
  partBytes: number;
  /** Up to this size one streamed PUT, without parts (S3 allows 5 GiB). */
  singlePutMaxBytes?: number;
  signal?: AbortSignal;
}

/**
 * Writes a stream of known size into S3 without holding it: up to
 * `singlePutMaxBytes` as one PUT streamed with its Content-Length, beyond
 * that as a multipart upload whose parts are streamed the same way, one at a
 * time. One PUT also spares the store the copy into one object that
 * completing a multipart upload costs. Nothing is held beyond the sockets'
 * own buffers, where lib-storage's Upload holds every part it sends
 * (queueSize × partSize, plus the one it fills). The price is that a failed
 * request cannot be sent again: the whole put fails, which callers already
 * treat as a failed staging. Fails with StagedSizeMismatchError when the body
 * is not `sizeBytes` long, and then nothing is stored.
 */
export async function putStreamed(
  target: StreamedPutTarget,
  body: Readable,
  sizeBytes: number,
  options: StreamedPutOptions,
): Promise<void> {
  const { partBytes, signal } = options;
  const { s3, bucket, key } = target;
  const slicer = new StreamSlicer(body, sizeBytes);
  const send = pieceSender(slicer, signal);

  if (sizeBytes <= (options.singlePutMaxBytes ?? S3_MAX_SINGLE_PUT_BYTES)) {
    await send(sizeBytes, (piece, abortSignal) =>
      s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: piece, ContentLength: sizeBytes }), {
        abortSignal,
      }),
    );
    // The object exists now: a body that runs on takes it away again.
    await slicer.assertEnded().catch(async (error: unknown) => {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })).catch(() => undefined);
      throw error;
    });
    return;
  }
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }), {
    abortSignal: signal,
  });
  const parts: Array<{ PartNumber: number; ETag: string }> = [];
  try {
    for (let start = 0, partNumber = 1; start < sizeBytes; start += partBytes, partNumber++) {
      const length = Math.min(partBytes, sizeBytes - start);
      const answer = await send(length, (piece, abortSignal) =>
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
    // Before completing: a body that runs on must not become an object.
    await slicer.assertEnded();
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

/** Sends one piece of the slicer's stream; a source failure aborts the request and is what the put reports. */
function pieceSender(slicer: StreamSlicer, signal: AbortSignal | undefined) {
  return async <T>(length: number, request: (piece: Readable, abortSignal: AbortSignal) => Promise<T>): Promise<T> => {
    const attempt = new AbortController();
    const piece = slicer.piece(length, (reason) => attempt.abort(reason));
    try {
      return await request(piece, signal ? AbortSignal.any([signal, attempt.signal]) : attempt.signal);
    } catch (error) {
      throw slicer.failure ?? error;
    } finally {
      piece.destroy();
    }
  };
}

export interface SegmentedPutOptions {
  segmentBytes: number;
  /** Awaited after each segment is stored, with the bytes stored so far; after the last one only once the body ended. */
  onSegment(stagedBytes: number): Promise<void>;
}

/**
 * Writes a stream of known size as consecutive objects (segmentKey(key, i)),
 * each one streamed PUT with its Content-Length, so nothing is held and each
 * is readable as soon as it is stored. Fails with StagedSizeMismatchError
 * when the body is not `sizeBytes` long; the segments already stored are the
 * caller's to remove, as it knows the layout.
 */
export async function putSegmented(
  target: StreamedPutTarget,
  body: Readable,
  sizeBytes: number,
  options: SegmentedPutOptions,
): Promise<void> {
  const { s3, bucket, key } = target;
  const { segmentBytes } = options;
  const slicer = new StreamSlicer(body, sizeBytes);
  const send = pieceSender(slicer, undefined);
  const count = segmentCount(sizeBytes, segmentBytes);
  for (let index = 0; index < count; index++) {
    const length = segmentLength(index, sizeBytes, segmentBytes);
    await send(length, (piece, abortSignal) =>
      s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: segmentKey(key, index), Body: piece, ContentLength: length }),
        { abortSignal },
      ),
    );
    // A body that runs on must not be announced as complete.
    if (index === count - 1) await slicer.assertEnded();
    await options.onSegment(Math.min(sizeBytes, (index + 1) * segmentBytes));
  }
}
