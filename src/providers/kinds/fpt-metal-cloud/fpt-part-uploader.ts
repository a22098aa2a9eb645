import type { ProviderHttpClient, RequestBody } from '../../../platform/outbound-http/provider-http-client';
import { ProviderAuthError, ProviderProtocolError } from '../../../platform/errors/provider.errors';
import type { ImageBytesSource, UploadContext } from '../../port/provider-writes';
import {
  type FptPartLayout,
  type FptPresignedBatch,
  type FptUploadState,
  isoOrNull,
  partRange,
} from './fpt-upload-plan';

export interface FptPartUploaderOptions {
  provider: string;
  /**
   * A client without the connection's auth, breaker or concurrency limit (parts go to FPT's S3, not its API),
   * whose policy retries a part on transient failures (timeouts, 5xx, dropped connections).
   */
  http: ProviderHttpClient;
  layout: FptPartLayout;
  batch: FptPresignedBatch;
  /** Asks FPT for fresh URLs of the same upload. */
  presign: () => Promise<FptPresignedBatch>;
  source: ImageBytesSource;
  context: UploadContext;
  /** This run's state; the uploader updates `urlsExpireAt` and `staleParts` and saves it. */
  state: FptUploadState;
  /** Parts already done (number → ETag); the uploader adds each part as it is recorded. */
  done: Map<number, string>;
  concurrency: number;
  /** Per part PUT; null leaves it to the job's signal. */
  partTimeoutMs: (partBytes: number) => number | null;
  now: () => number;
}

/** FPT answered a different multipart upload mid-run: recorded parts must be reconciled again. */
export class FptUploadReplacedError extends Error {
  constructor(readonly uploadId: string) {
    super(`FPT now presigns another multipart upload (${uploadId}); the parts sent so far are not in it`);
    this.name = 'FptUploadReplacedError';
  }
}

/** A URL is fetched again this long before S3 would refuse it. */
const EXPIRY_MARGIN_MS = 60_000;
/** Fresh URLs asked for per part after S3 refused one with 403 (expired, or signed with rotated keys). */
const MAX_REFRESHES_PER_PART = 2;

/**
 * Sends the parts not yet done to their presigned URLs, a few at a time, each
 * straight from the source as a fresh ranged stream with its Content-Length,
 * so no more than a stream chunk per part is ever held. Each part is recorded
 * in the checkpoint the moment S3 answers its ETag. When one part fails for
 * good no new part starts; the ones in flight finish (and are recorded, for
 * the resumed job), then the first failure is thrown.
 */
export class FptPartUploader {
  private readonly urls: PresignedUrls;
  private stateWrites: Promise<void> = Promise.resolve();

  constructor(private readonly o: FptPartUploaderOptions) {
    this.urls = new PresignedUrls(o.batch, o.presign, o.now, (batch) => this.urlsRefreshed(batch));
  }

  async run(): Promise<void> {
    const { layout, done, context } = this.o;
    const missing: number[] = [];
    for (let partNumber = 1; partNumber <= layout.partCount; partNumber++) {
      if (!done.has(partNumber)) missing.push(partNumber);
    }
    context.progress(this.doneBytes());

    let next = 0;
    let failure: { error: unknown } | null = null;
    const worker = async (): Promise<void> => {
      while (failure === null) {
        const partNumber = missing[next++];
        if (partNumber === undefined) return;
        try {
          await this.uploadPart(partNumber);
        } catch (error) {
          failure ??= { error };
          return;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.o.concurrency, missing.length) }, worker));
    await this.stateWrites;
    if (failure !== null) throw (failure as { error: unknown }).error;
    context.signal.throwIfAborted();
  }

  private async uploadPart(partNumber: number): Promise<void> {
    const { context, state, done } = this.o;
    const range = partRange(this.o.layout, partNumber);
    const etag = await this.sendPart(partNumber, range);
    // Recorded before anything else: a crash from here on must not send this part again.
    await context.checkpoint.recordPart(partNumber, etag, range.size);
    done.set(partNumber, etag);
    if (partNumber in state.staleParts) {
      // Only after recordPart: forgetting first would let a crash trust the stale ETag.
      delete state.staleParts[partNumber];
      await this.saveState();
    }
    context.progress(this.doneBytes());
  }

  /** Sends one part; a refused URL is presigned again, a transient failure is retried by the client's policy. */
  private async sendPart(partNumber: number, range: { start: number; end: number; size: number }): Promise<string> {
    const { signal } = this.o.context;
    for (let refreshes = 0; ; refreshes++) {
      signal.throwIfAborted();
      const { url, generation } = await this.urls.urlFor(partNumber);
      try {
        return await this.putOnce(partNumber, url, range);
      } catch (error) {
        if (signal.aborted || !isRefusedUrl(error) || refreshes >= MAX_REFRESHES_PER_PART) throw error;
        await this.urls.refresh(generation);
      }
    }
  }

  private async putOnce(partNumber: number, url: string, range: { start: number; end: number; size: number }) {
    const { signal } = this.o.context;
    const response = await this.o.http.request({
      method: 'PUT',
      path: url,
      // A fresh ranged stream per attempt; the client ends it after the attempt (a staging connection).
      openBody: async () =>
        (await this.o.source.open({ start: range.start, end: range.end }, signal)) as unknown as RequestBody,
      headers: { 'content-length': String(range.size) },
      timeoutMs: this.o.partTimeoutMs(range.size),
      signal,
    });
    const etag = response.headers.get('etag');
    if (!etag) {
      throw new ProviderProtocolError(
        this.o.provider,
        `Provider '${this.o.provider}': the presigned PUT of part ${partNumber} answered ${response.status} without an ETag`,
        response.status,
      );
    }
    return etag;
  }

  private doneBytes(): number {
    let bytes = 0;
    for (const partNumber of this.o.done.keys()) bytes += partRange(this.o.layout, partNumber).size;
    return bytes;
  }

  private async urlsRefreshed(batch: FptPresignedBatch): Promise<void> {
    if (batch.uploadId !== this.o.batch.uploadId || batch.urls.length !== this.o.layout.partCount) {
      throw new FptUploadReplacedError(batch.uploadId);
    }
    this.o.state.urlsExpireAt = isoOrNull(batch.expiresAt);
    await this.saveState();
  }

  /** State writes one after the other, each of the state as it is then, so the last one holds every change. */
  private saveState(): Promise<void> {
    const write = this.stateWrites.then(() => this.o.context.checkpoint.saveState({ ...this.o.state }));
    this.stateWrites = write.catch(() => undefined);
    return write;
  }
}

/**
 * The URLs of the current batch. Parts in flight that find theirs refused
 * share one refresh: the first asks FPT again, the others wait for it, and a
 * part whose URL is from an older batch than the current one just takes the new one.
 */
class PresignedUrls {
  private generation = 0;
  private refreshing: Promise<void> | null = null;

  constructor(
    private batch: FptPresignedBatch,
    private readonly presign: () => Promise<FptPresignedBatch>,
    private readonly now: () => number,
    private readonly accept: (batch: FptPresignedBatch) => Promise<void>,
  ) {}

  async urlFor(partNumber: number): Promise<{ url: string; generation: number }> {
    if (this.batch.expiresAt !== null && this.now() + EXPIRY_MARGIN_MS >= this.batch.expiresAt) {
      await this.refresh(this.generation);
    }
    return { url: this.batch.urls[partNumber - 1], generation: this.generation };
  }

  async refresh(seenGeneration: number): Promise<void> {
    if (seenGeneration !== this.generation) return;
    this.refreshing ??= (async () => {
      try {
        const batch = await this.presign();
        await this.accept(batch);
        this.batch = batch;
        this.generation++;
      } finally {
        this.refreshing = null;
      }
    })();
    await this.refreshing;
  }
}

/** S3 answers 403 to a presigned URL that has expired (or whose signing key was rotated). */
function isRefusedUrl(error: unknown): boolean {
  return error instanceof ProviderAuthError && error.upstreamStatus === 403;
}
