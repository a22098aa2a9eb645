import { BrokerMetrics } from '../metrics/broker-metrics';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { ConflictError, UnprocessableError } from '../errors/app.errors';
import { ImagesService } from '../catalogue/images.service';
import { JobService } from '../jobs/job.service';
import type { Image, Job } from '../persistence/generated/client';
import { PrismaService } from '../persistence/prisma.service';
import { requireCapability } from '../provider-port/provider.port';
import { ProviderRegistry } from '../provider-port/provider-registry.service';
import { STAGING_STORAGE, StagedSizeMismatchError, type StagingStorage } from '../staging/staging-storage';
import { ImageDigestTransform, SizeExceededError, type ImageDigest } from './image-digest.transform';

/**
 * PUT /v1/images/{id}/file: streams the body into the staging bucket while
 * hashing it, checks it against what was declared, and queues the push.
 * Nothing is held in memory beyond the staging upload's parts; whatever goes
 * wrong, the staged bytes are removed and the image stays pending.
 */
@Injectable()
export class UploadIntakeService {
  private readonly logger = new Logger(UploadIntakeService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly registry: ProviderRegistry,
    private readonly jobs: JobService,
    private readonly images: ImagesService,
    @Inject(STAGING_STORAGE) private readonly staging: StagingStorage,
    private readonly metrics: BrokerMetrics,
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
    const uploadId = randomUUID();
    const stagingKey = `uploads/${image.id}/${uploadId}`;
    await this.prisma.upload.create({ data: { id: uploadId, imageId: image.id, stagingKey } });
    const digestor = new ImageDigestTransform(declared);
    let digest: ImageDigest;
    try {
      // A client that disconnects errors `body`; pipe() then errors the digest stream and the staging upload aborts.
      body.once('error', (error) => digestor.destroy(error));
      body.once('aborted', () => digestor.destroy(new Error('the client disconnected mid-upload')));
      await this.staging.put(stagingKey, body.pipe(digestor), undefined, declared ?? contentLength);
      digest = digestor.digest();
      this.check(digest, declared, image.sha256);
    } catch (error) {
      await this.discard(uploadId, stagingKey);
      if (error instanceof SizeExceededError) {
        throw new UnprocessableError(error.message, [{ field: 'sizeBytes', message: error.message }]);
      }
      if (error instanceof StagedSizeMismatchError) throw sizeDiffers(error.receivedBytes, error.expectedBytes);
      throw error;
    } finally {
      this.metrics.countTransfer('client_to_staging', image.providerName, digestor.bytesSeen);
    }
    return this.queuePush(image, uploadId, stagingKey, digest);
  }

  /**
   * Staged bytes that passed their checks: recorded on the upload and handed
   * to an upload job. A second push of the same image while one is live is
   * refused, and the new staged copy removed.
   */
  async queuePush(image: Image, uploadId: string, stagingKey: string, digest: ImageDigest): Promise<Job> {
    await this.prisma.upload.update({
      where: { id: uploadId },
      data: {
        state: 'staged',
        sizeBytes: BigInt(digest.sizeBytes),
        sha256: digest.sha256,
        sha512: digest.sha512,
        md5: digest.md5,
      },
    });
    const { job, deduplicated } = await this.jobs.create(
      'upload',
      { uploadId },
      { providerName: image.providerName, imageId: image.id, dedupeKey: `upload:${image.id}` },
    );
    if (deduplicated) {
      await this.discard(uploadId, stagingKey);
      throw new ConflictError(`Image '${image.id}' is already being uploaded by job ${job.id}`);
    }
    return job;
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

  async discard(uploadId: string, stagingKey: string): Promise<void> {
    await this.staging.delete(stagingKey).catch((error: unknown) => {
      this.logger.warn(`could not remove staged ${stagingKey}: ${(error as Error).message}`);
    });
    await this.prisma.upload.update({ where: { id: uploadId }, data: { state: 'failed' } }).catch(() => undefined);
  }
}

/** The 422 for a body of another size than declared (a longer one is counted only up to where it overran). */
function sizeDiffers(received: number, declared: number): UnprocessableError {
  const got = received > declared ? `more than ${declared}` : String(received);
  return new UnprocessableError(`Received ${got} bytes; the image was registered with ${declared}`, [
    { field: 'sizeBytes', message: `received ${got} bytes, declared ${declared}` },
  ]);
}
