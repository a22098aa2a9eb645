import type { Readable } from 'node:stream';
import { BrokerTransport, type ImageBrokerOptions, type Job, type ResolvedImage } from './client';
import { downloadImageFile, type Download, type DownloadOptions } from './downloads';
import { ImageBrokerError } from './errors';
import { hasEnded, watchJobEvents, type JobEvent, type WatchOptions } from './job-watch';
import { ImageUploader, type UploadOptions, type UploadResult } from './uploads';

export interface ResolveOptions {
  /** A channel name, or `latest` (the default): the newest version active there. */
  channel?: string;
  /** A provider connection name. */
  provider: string;
  region?: string;
  /** A version instead of a channel. */
  version?: string;
}

/**
 * The image-broker SDK. `api` is the client generated from openapi.json for
 * every route; the methods here cover what generation cannot: streamed and
 * resumable uploads, streamed downloads, job events, waiting for a job.
 */
export class ImageBroker {
  readonly transport: BrokerTransport;
  private readonly uploader: ImageUploader;

  constructor(options: ImageBrokerOptions) {
    this.transport = new BrokerTransport(options);
    this.uploader = new ImageUploader(this.transport);
  }

  /** Every route, typed from the spec (openapi-fetch): `broker.api.GET('/v1/images', …)`. */
  get api(): BrokerTransport['api'] {
    return this.transport.api;
  }

  /**
   * Uploads a file (by path: a resumable multipart session when large, else a
   * streamed PUT) or a stream (streamed PUT). Memory stays bounded either way.
   * Resolves with the upload job once the broker has the bytes; wait for it
   * with `waitForJob` to see them on the provider.
   */
  uploadFile(imageId: string, source: string | Readable, options?: UploadOptions): Promise<UploadResult> {
    return this.uploader.upload(imageId, source, options);
  }

  /** A session's staged parts and fresh URLs for its missing ones. */
  uploadSession(imageId: string, uploadId: string) {
    return this.uploader.status(imageId, uploadId);
  }

  /** The image's open upload sessions (no URLs): what a client that lost its state can resume. */
  uploadSessions(imageId: string) {
    return this.transport.data(
      this.api.GET('/v1/images/{id}/upload-sessions', { params: { path: { id: imageId } } }),
      'GET upload-sessions',
    );
  }

  /** The image's bytes as a stream, whole or one byte range (206). */
  downloadFile(imageId: string, options?: DownloadOptions): Promise<Download> {
    return downloadImageFile(this.transport, imageId, options);
  }

  /** The job's events until it ends, resuming a dropped connection with Last-Event-ID. */
  watchJob(jobId: string, options?: WatchOptions): AsyncGenerator<JobEvent, void, undefined> {
    return watchJobEvents(this.transport, jobId, options);
  }

  /** Follows the job's events to its end and answers the ended job (whatever its state). */
  async waitForJob(jobId: string, options: WatchOptions & { onEvent?: (event: JobEvent) => void } = {}): Promise<Job> {
    let last: Job | null = null;
    for await (const event of this.watchJob(jobId, options)) {
      options.onEvent?.(event);
      last = event.job;
    }
    if (last && hasEnded(last.state)) return last;
    return this.getJob(jobId);
  }

  getJob(jobId: string): Promise<Job> {
    return this.transport.data(this.api.GET('/v1/jobs/{id}', { params: { path: { id: jobId } } }), 'GET job');
  }

  /** Which copy of a family's image to use on a target: the answer to hand to Terraform. */
  resolve(family: string, options: ResolveOptions): Promise<ResolvedImage> {
    const { provider, region, channel, version } = options;
    return this.transport.data(
      this.api.GET('/v1/families/{family}/resolve', {
        params: { path: { family }, query: { provider, region, channel, version } },
      }),
      'GET resolve',
    );
  }
}

export { ImageBrokerError };
