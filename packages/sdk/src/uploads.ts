import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pathOf, type BrokerTransport, type Job } from './client';
import { ImageBrokerError, parseRetryAfter } from './errors';
import { httpPut, type PutAnswer } from './http-put';
import { transientRetry } from './retrying-fetch';
import type { components } from './generated/openapi';

type UploadSessionStatus = components['schemas']['UploadSessionStatusDto'];

const MiB = 1024 * 1024;

export interface UploadProgress {
  /** Bytes the broker or the staging store now holds, including parts staged before a resume. */
  bytesDone: number;
  bytesTotal: number | null;
  /** Bytes of parts a resumed session already had: counted in bytesDone, never sent again. */
  bytesSkipped: number;
}

export interface UploadOptions {
  onProgress?: (progress: UploadProgress) => void;
  signal?: AbortSignal;
  /**
   * `session`: a direct multipart upload to the staging store, resumable;
   * `file`: one streamed PUT …/file through the broker; `auto` (default):
   * a session for a file of `multipartThresholdBytes` or more.
   */
  method?: 'auto' | 'file' | 'session';
  /** Default 64 MiB. */
  multipartThresholdBytes?: number;
  /** Preferred part size of a new session; the broker grows it to fit 10,000 parts. Default 8 MiB. */
  partSizeBytes?: number;
  /** Parts in flight at once; memory is about concurrency × part size. Default 4. */
  concurrency?: number;
  /** Resume this session: only its missing parts are read out to the store. */
  resumeUploadId?: string;
  /** Told the session's id as soon as it exists, so a crashed caller can resume it. */
  onSession?: (uploadId: string) => void | Promise<void>;
  /** The size of a stream source, when known (sent as Content-Length). */
  sizeBytes?: number;
}

export interface UploadResult {
  job: Job;
  method: 'file' | 'session';
  /** The sha256 (hex) of the bytes read, computed while reading. */
  sha256: string;
  sizeBytes: number;
  uploadId?: string;
  partsSent: number;
  partsSkipped: number;
  bytesSkipped: number;
}

/** Uploads an image's bytes, streamed with bounded memory, through the route that suits the source. */
export class ImageUploader {
  /** Presigned part URLs carry their own credentials: no broker headers, and retries of their own. */
  private readonly partRetry = transientRetry(
    { maxRetries: 5 },
    (answer) => (answer as PutAnswer).status >= 500,
    (answer) => parseRetryAfter((answer as PutAnswer).headers['retry-after']),
  );

  constructor(private readonly transport: BrokerTransport) {}

  async upload(imageId: string, source: string | Readable, options: UploadOptions = {}): Promise<UploadResult> {
    if (typeof source !== 'string') return this.putFile(imageId, source, options.sizeBytes ?? null, options);
    const { size } = await stat(source);
    const method =
      options.resumeUploadId !== undefined
        ? 'session'
        : options.method === 'auto' || options.method === undefined
          ? size >= (options.multipartThresholdBytes ?? 64 * MiB)
            ? 'session'
            : 'file'
          : options.method;
    if (method === 'file')
      return this.putFile(imageId, createReadStream(source, { highWaterMark: MiB }), size, options);
    return this.viaSession(imageId, source, size, options);
  }

  /** PUT …/file: the body streamed as it is read, hashed and counted on the way. */
  private async putFile(
    imageId: string,
    source: Readable,
    size: number | null,
    options: UploadOptions,
  ): Promise<UploadResult> {
    const counter = new CountingHash((done) =>
      options.onProgress?.({ bytesDone: done, bytesTotal: size, bytesSkipped: 0 }),
    );
    const body = source.pipe(counter);
    source.once('error', (error) => counter.destroy(error));
    const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
    if (size !== null) headers['content-length'] = String(size);
    const job = await this.transport.putStream<Job>(
      pathOf('/v1/images/{id}/file', { id: imageId }),
      body,
      headers,
      options.signal,
    );
    return {
      job,
      method: 'file',
      sha256: counter.hex(),
      sizeBytes: counter.bytes,
      partsSent: 1,
      partsSkipped: 0,
      bytesSkipped: 0,
    };
  }

  /**
   * A direct multipart upload. The file is read once, in order, part by part
   * into a pool of `concurrency` buffers (so memory stays bounded and the
   * sha256 is computed while reading); each missing part is PUT to its
   * presigned URL while the next ones are read. Parts the store already holds
   * (a resumed session) are read for the hash but never sent.
   */
  private async viaSession(imageId: string, path: string, size: number, options: UploadOptions): Promise<UploadResult> {
    const api = this.transport.api;
    const ids = { id: imageId };
    let session: UploadSessionStatus;
    if (options.resumeUploadId) {
      session = await this.status(imageId, options.resumeUploadId);
      if (session.sizeBytes !== size) {
        throw usage(
          `The file has ${size} bytes; upload session ${session.uploadId} was opened for ${session.sizeBytes}`,
        );
      }
    } else {
      const opened = await this.transport.data(
        api.POST('/v1/images/{id}/upload-sessions', {
          params: { path: ids },
          body: { sizeBytes: size, partSizeBytes: options.partSizeBytes ?? 8 * MiB },
          signal: options.signal,
        }),
        'POST upload-sessions',
      );
      session = { ...opened, state: 'receiving', stagedParts: [] } as UploadSessionStatus;
    }
    await options.onSession?.(session.uploadId);

    const partSize = session.partSizeBytes;
    const count = Math.ceil(size / partSize);
    const etags = new Map<number, string>(session.stagedParts.map((p) => [p.partNumber, p.etag]));
    let urls = new Map(session.parts.map((p) => [p.partNumber, p.url]));
    let refreshing: Promise<void> | null = null;
    const refreshUrls = (): Promise<void> =>
      (refreshing ??= this.status(imageId, session.uploadId).then((fresh) => {
        urls = new Map(fresh.parts.map((p) => [p.partNumber, p.url]));
        refreshing = null;
      }));

    const concurrency = Math.max(1, options.concurrency ?? 4);
    const free: Buffer[] = Array.from({ length: Math.min(concurrency, count) }, () => Buffer.allocUnsafe(partSize));
    const waiting: Array<(buffer: Buffer) => void> = [];
    const release = (buffer: Buffer): void => {
      const next = waiting.shift();
      if (next) next(buffer);
      else free.push(buffer);
    };
    const acquire = (): Promise<Buffer> =>
      free.length > 0 ? Promise.resolve(free.pop()!) : new Promise((resolve) => waiting.push(resolve));

    const hash = createHash('sha256');
    let bytesSkipped = 0;
    let bytesSent = 0;
    let partsSent = 0;
    const report = (): void =>
      options.onProgress?.({ bytesDone: bytesSkipped + bytesSent, bytesTotal: size, bytesSkipped });
    let failure: unknown = null;
    const inFlight = new Set<Promise<void>>();

    const file = await open(path, 'r');
    try {
      for (let number = 1; number <= count && failure === null; number++) {
        options.signal?.throwIfAborted();
        const buffer = await acquire();
        if (failure !== null) break;
        const length = number === count ? size - partSize * (count - 1) : partSize;
        await readFully(file, buffer, length, (number - 1) * partSize);
        const part = buffer.subarray(0, length);
        hash.update(part);
        if (etags.has(number)) {
          bytesSkipped += length;
          release(buffer);
          report();
          continue;
        }
        const task = this.putPart(number, part, () => urls.get(number), refreshUrls, options.signal)
          .then((etag) => {
            etags.set(number, etag);
            bytesSent += length;
            partsSent++;
            report();
          })
          .catch((error: unknown) => {
            failure ??= error;
          })
          .finally(() => {
            release(buffer);
            inFlight.delete(task);
          });
        inFlight.add(task);
      }
      await Promise.all(inFlight);
    } finally {
      await file.close();
    }
    if (failure !== null) throw failure;

    const sha256 = hash.digest('hex');
    const parts = [...etags].sort(([a], [b]) => a - b).map(([partNumber, etag]) => ({ partNumber, etag }));
    const job = await this.transport.data(
      api.POST('/v1/images/{id}/upload-sessions/{uploadId}/complete', {
        params: { path: { id: imageId, uploadId: session.uploadId } },
        body: { parts, sha256 },
        signal: options.signal,
      }),
      'POST upload-sessions/complete',
    );
    return {
      job,
      method: 'session',
      sha256,
      sizeBytes: size,
      uploadId: session.uploadId,
      partsSent,
      partsSkipped: count - partsSent,
      bytesSkipped,
    };
  }

  /** The session's staged parts, and fresh URLs for the missing ones. */
  status(imageId: string, uploadId: string, signal?: AbortSignal): Promise<UploadSessionStatus> {
    return this.transport.data(
      this.transport.api.GET('/v1/images/{id}/upload-sessions/{uploadId}', {
        params: { path: { id: imageId, uploadId } },
        signal,
      }),
      'GET upload-sessions',
    );
  }

  /**
   * One part to its presigned URL, retried (cockatiel) through failures of
   * the network and the store's 5xx; an expired URL (403) is signed afresh once.
   */
  private async putPart(
    number: number,
    bytes: Buffer,
    url: () => string | undefined,
    refreshUrls: () => Promise<void>,
    signal: AbortSignal | undefined,
  ): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      const target = url();
      if (!target) throw usage(`The session has no URL for part ${number}`);
      const answer = await this.partRetry.execute(
        () => httpPut(target, bytes, { 'content-length': String(bytes.length) }, signal),
        signal,
      );
      if (answer.status >= 200 && answer.status < 300) {
        const etag = answer.headers.etag;
        if (!etag) throw usage(`The staging store answered part ${number} without an ETag`);
        return etag;
      }
      if (answer.status === 403 && attempt === 0) {
        await refreshUrls();
        continue;
      }
      throw new ImageBrokerError({
        type: 'about:blank',
        title: 'The staging store refused a part',
        status: answer.status,
        detail: `part ${number}: ${answer.text.slice(0, 300)}`,
      });
    }
  }
}

async function readFully(
  file: import('node:fs/promises').FileHandle,
  buffer: Buffer,
  length: number,
  position: number,
): Promise<void> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await file.read(buffer, done, length - done, position + done);
    if (bytesRead === 0) throw usage('The file got shorter while it was read');
    done += bytesRead;
  }
}

function usage(detail: string): ImageBrokerError {
  return new ImageBrokerError({ type: 'about:blank', title: 'Upload failed', status: 0, detail });
}

/** Passes bytes through, hashing (sha256) and counting them. */
class CountingHash extends Transform {
  bytes = 0;
  private readonly hash: Hash = createHash('sha256');

  constructor(private readonly onBytes: (bytes: number) => void) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    this.onBytes(this.bytes);
    callback(null, chunk);
  }

  hex(): string {
    return this.hash.digest('hex');
  }
}
