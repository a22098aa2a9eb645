import { BrokerMetrics } from '../platform/metrics/broker-metrics';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { ConflictError, PushFailedError, RequestTimeoutError, UnprocessableError } from '../platform/errors/app.errors';
import { ImagesService } from '../catalogue/images.service';
import { JobService } from '../jobs/job.service';
import { AppConfig } from '../platform/config/app-config';
import type { Image, Job } from '../platform/persistence/generated/client';
import { requireCapability } from '../providers/port/provider.port';
import { ProviderRegistry } from '../providers/port/provider-registry.service';
import { STAGING_STORAGE, StagedSizeMismatchError, type StagingStorage } from '../platform/staging/staging-storage';
import { ImageDigestTransform, SizeExceededError, type ImageDigest } from './image-digest.transform';
import { BodyIdleError, watchIdleBody } from './idle-body';
import { IntakeCancellations } from './intake-cancellations';
import type { IntakeFailureCode } from './intake-failure';
import { IntakeLiveness } from './intake-liveness';
import { UploadLifecycle } from './upload-lifecycle';

/** How long a refused upload's answer waits for its running push to stop and settle. */
const SETTLE_WAIT_MS = 20_000;
const LIVE_JOB_STATES = new Set(['queued', 'running']);

/**
 * PUT /v1/images/{id}/file: streams the body into the staging bucket while
 * hashing it, checks it against what was declared, and queues the push (for
 * a body of known size, before its first byte: the push then follows the
 * staged segments). Nothing is held in memory beyond socket buffers, or the
 * parts of a body of unknown size; whatever goes wrong, the staged bytes are
 * removed and the image is pending again.
 */
@Injectable()
export class UploadIntakeService {
  private readonly logger = new Logger(UploadIntakeService.name);

  constructor(
    private readonly uploads: UploadLifecycle,
    private readonly registry: ProviderRegistry,
    private readonly jobs: JobService,
    private readonly images: ImagesService,
    @Inject(STAGING_STORAGE) private readonly staging: StagingStorage,
    private readonly metrics: BrokerMetrics,
    private readonly liveness: IntakeLiveness,
    private readonly config: AppConfig,
    private readonly cancellations: IntakeCancellations,
  ) {}

  /** The image, if it may take bytes now. */
  async acceptingImage(imageId: string): Promise<Image> {
    const image = await this.images.row(imageId);
    requireCapability(await this.registry.resolve(image.providerName), 'upload');
    if (image.status !== 'pending' && image.status !== 'failed') {
      throw new ConflictError(
        `Image '${imageId}' is ${image.status ?? 'in an unknown state'}; only a pending image takes bytes`,
      );
    }
    return image;
  }

  async receive(imageId: string, body: Readable, contentLength: number | null): Promise<Job> {
    const image = await this.acceptingImage(imageId);
    const declared = image.sizeBytes === null ? null : Number(image.sizeBytes);
    if (declared !== null && contentLength !== null && contentLength !== declared) {
      body.resume();
      throw new UnprocessableError(`Content-Length ${contentLength} differs from the declared size ${declared}`, [
        { field: 'sizeBytes', message: `the image was registered with ${declared} bytes` },
      ]);
    }
    const sizeBytes = declared ?? contentLength;
    const segmentBytes = this.config.staging?.segmentBytes;
    if (sizeBytes !== null && segmentBytes) return this.receivePushing(image, body, sizeBytes, declared, segmentBytes);
    const upload = await this.uploads.openWhole(image.id);
    const digestor = new ImageDigestTransform(declared);
    let digest: ImageDigest;
    const stopIdleWatch = this.cutOffWhenIdle(body, digestor);
    try {
      failsWithClient(body, digestor);
      await this.staging.put(upload.stagingKey, body.pipe(digestor), undefined, sizeBytes);
      digest = digestor.digest();
      this.check(digest, declared, image.sha256);
    } catch (error) {
      await this.uploads.discard(upload);
      throw asProblem(error);
    } finally {
      stopIdleWatch();
      this.metrics.countTransfer('client_to_staging', image.providerName, digestor.bytesSeen);
    }
    return this.uploads.queuePush(image, upload, digest);
  }

  /**
   * A body of known size: staged as segments while the upload job, queued
   * first, pushes each one as soon as it lands, so the provider receives the
   * image while the client is still sending it. The answer still waits for
   * the last byte and its checks: a refused body is the same 422 as ever, and
   * the push already under way ends before the answer, never having sent the
   * last segment (the job holds it back until the checks pass).
   */
  private async receivePushing(
    image: Image,
    body: Readable,
    sizeBytes: number,
    declared: number | null,
    segmentBytes: number,
  ): Promise<Job> {
    const digestor = new ImageDigestTransform(declared);
    // Before any await: a client that disconnects in the meantime must not be missed.
    failsWithClient(body, digestor);
    const stopIdleWatch = this.cutOffWhenIdle(body, digestor);
    let stopCancelWatch: (() => void) | null = null;
    const upload = await this.uploads.openSegmented(image.id, sizeBytes, segmentBytes);
    const uploadId = upload.id;
    let releaseIntake: (() => Promise<void>) | null = null;
    let job: Job | null = null;
    try {
      releaseIntake = await this.liveness.keep(uploadId);
      job = await this.uploads.queueFollowingPush(image, uploadId).catch((error: unknown) => {
        body.resume();
        throw error;
      });
      const jobId = job.id;
      // A cancel answers the client at once, not when the segment it is filling is stored.
      stopCancelWatch = this.cancellations.watch(jobId, () =>
        digestor.destroy(
          new ConflictError(`The upload's job ${jobId} ended while the bytes were received (cancelled)`),
        ),
      );
      await this.staging.putSegments(upload.stagingKey, body.pipe(digestor), sizeBytes, segmentBytes, (staged) =>
        this.recordReceived(uploadId, jobId, { stagedBytes: staged }),
      );
      const digest = digestor.digest();
      this.check(digest, declared, image.sha256);
      await this.recordReceived(uploadId, jobId, { sha256: digest.sha256, sha512: digest.sha512, md5: digest.md5 });
    } catch (caught) {
      const error = asProblem(caught);
      await this.uploads.refuse(upload, job?.id ?? null, error.message, failureCode(caught), SETTLE_WAIT_MS);
      throw error;
    } finally {
      stopIdleWatch();
      stopCancelWatch?.();
      await releaseIntake?.();
      this.metrics.countTransfer('client_to_staging', image.providerName, digestor.bytesSeen);
    }
    return this.jobs.get(job.id);
  }

  /** Cuts the body off (BodyIdleError) once the client has sent nothing for UPLOAD_IDLE_TIMEOUT_SECONDS. */
  private cutOffWhenIdle(body: Readable, digestor: ImageDigestTransform): () => void {
    // The cut may come before the body is piped: its error is read from the put, never left unhandled.
    digestor.on('error', () => undefined);
    return watchIdleBody(
      body,
      () => digestor.bytesSeen,
      this.config.uploadIdleTimeoutMs,
      (error) => digestor.destroy(error),
    );
  }

  /**
   * Records intake progress, unless the upload's job has ended meanwhile:
   * then the intake stops, with a 409 when the job was cancelled and a 502
   * with the job's error when its push failed for good, either naming the job.
   */
  private async recordReceived(
    uploadId: string,
    jobId: string,
    received: Parameters<UploadLifecycle['recordReceived']>[2],
  ): Promise<void> {
    const { recorded, job } = await this.uploads.recordReceived(uploadId, jobId, received);
    // A job may succeed between the two reads: once the checksums are written, the push can finish.
    if (recorded && job && (LIVE_JOB_STATES.has(job.state) || job.state === 'succeeded')) return;
    const how = job?.errorMessage ? `${job.state}: ${job.errorMessage}` : (job?.state ?? 'gone');
    if (job?.state === 'failed') {
      throw new PushFailedError(`The upload's job ${jobId} failed while the bytes were received (${how})`);
    }
    throw new ConflictError(`The upload's job ${jobId} ended while the bytes were received (${how})`);
  }

  /** Throws the 422 that names what differs from the registration. */
  check(digest: ImageDigest, declaredSize: number | null, declaredSha256: string | null): void {
    if (declaredSize !== null && digest.sizeBytes !== declaredSize) throw sizeDiffers(digest.sizeBytes, declaredSize);
    if (declaredSha256 && digest.sha256 !== declaredSha256.toLowerCase()) {
      throw new UnprocessableError(
        `The bytes' sha256 is ${digest.sha256}; the image was registered with ${declaredSha256}`,
        [{ field: 'sha256', message: 'the sha256 of the received bytes differs from the declared one' }],
      );
    }
  }
}

/** The 422 for a body of another size than declared (a longer one is counted only up to where it overran). */
function sizeDiffers(received: number, declared: number): UnprocessableError {
  const got = received > declared ? `more than ${declared}` : String(received);
  return new UnprocessableError(`Received ${got} bytes; the image was registered with ${declared}`, [
    { field: 'sizeBytes', message: `received ${got} bytes, declared ${declared}` },
  ]);
}

/** A client that went away or went silent interrupted its upload; anything else refused the bytes. */
function failureCode(error: unknown): IntakeFailureCode {
  return error instanceof BodyIdleError || error instanceof ClientGoneError ? 'upload_interrupted' : 'upload_refused';
}

/** The intake's failures as the problems the client gets. */
function asProblem(error: unknown): Error {
  if (error instanceof BodyIdleError) return new RequestTimeoutError(`The body stopped arriving: ${error.message}`);
  if (error instanceof SizeExceededError) {
    return new UnprocessableError(error.message, [{ field: 'sizeBytes', message: error.message }]);
  }
  if (error instanceof StagedSizeMismatchError) return sizeDiffers(error.receivedBytes, error.expectedBytes);
  return error instanceof Error ? error : new Error(String(error));
}

/** The client's connection closed before the last byte. */
class ClientGoneError extends Error {
  constructor(cause?: Error) {
    super('the client disconnected mid-upload', { cause });
    this.name = 'ClientGoneError';
  }
}

/** A client that disconnects errors `body`; the digest stream then fails, and with it the staging. */
function failsWithClient(body: Readable, digestor: ImageDigestTransform): void {
  body.once('error', (error) => digestor.destroy(new ClientGoneError(error)));
  body.once('aborted', () => digestor.destroy(new ClientGoneError()));
  // A connection closed without either (a socket destroyed under the request) must not pass for a short body.
  body.once('close', () => {
    if ((body as Partial<IncomingMessage>).complete === false) digestor.destroy(new ClientGoneError());
  });
}
