import { Inject, Injectable } from '@nestjs/common';
import { pipeline } from 'node:stream/promises';
import { BadRequestError, ConflictError, NotFoundError, UnprocessableError } from '../platform/errors/app.errors';
import type { Job } from '../platform/persistence/generated/client';
import type { ReplayableAnswer } from '../platform/idempotency/replayed-by';
import { isUuid } from '../platform/persistence/uuid';
import { partSizeFor, STAGING_STORAGE, type StagingStorage } from '../platform/staging/staging-storage';
import { ImageDigestTransform } from './image-digest.transform';
import { PartMd5Transform } from './part-md5.transform';
import type { CompleteUploadSessionDto, CreateUploadSessionDto, UploadSessionDto } from './upload-session.dto';
import { UploadIntakeService } from './upload-intake.service';
import { UploadLifecycle } from './upload-lifecycle';

const URL_TTL_SECONDS = 3600;

/**
 * Direct uploads: the client PUTs parts straight to the staging bucket with
 * presigned URLs, so the bytes never pass through the broker; on completion
 * the broker checks the parts, hashes the assembled object by streaming it
 * back, and queues the same upload job as PUT …/file.
 */
type StoredUploadSession = Pick<UploadSessionDto, 'uploadId' | 'imageId' | 'sizeBytes' | 'partSizeBytes'>;

@Injectable()
export class UploadSessionsService implements ReplayableAnswer {
  constructor(
    private readonly uploads: UploadLifecycle,
    private readonly intake: UploadIntakeService,
    @Inject(STAGING_STORAGE) private readonly staging: StagingStorage,
  ) {}

  async open(imageId: string, body: CreateUploadSessionDto): Promise<UploadSessionDto> {
    const image = await this.intake.acceptingImage(imageId);
    const declared = image.sizeBytes === null ? null : Number(image.sizeBytes);
    if (declared !== null && body.sizeBytes !== undefined && body.sizeBytes !== declared) {
      throw new UnprocessableError(`sizeBytes ${body.sizeBytes} differs from the registered ${declared}`, [
        { field: 'sizeBytes', message: `the image was registered with ${declared} bytes` },
      ]);
    }
    const sizeBytes = body.sizeBytes ?? declared;
    if (sizeBytes === null) {
      throw new BadRequestError('sizeBytes is needed: the image was registered without one', [
        { field: 'sizeBytes', message: 'required when the image has no registered size' },
      ]);
    }
    const partSize = partSizeFor(sizeBytes, body.partSizeBytes);
    const upload = await this.uploads.openSession(image.id, sizeBytes, partSize);
    return this.signed(
      { uploadId: upload.id, imageId: image.id, sizeBytes, partSizeBytes: partSize },
      upload.stagingKey,
      upload.multipartUploadId!,
    );
  }

  /** An Idempotency-Key record keeps the session without its presigned URLs: they are bearer credentials. */
  toStored(answer: unknown): StoredUploadSession {
    const { uploadId, imageId, sizeBytes, partSizeBytes } = answer as UploadSessionDto;
    return { uploadId, imageId, sizeBytes, partSizeBytes };
  }

  /** A replayed session: the same upload, its part URLs signed afresh. */
  async fromStored(stored: unknown): Promise<UploadSessionDto> {
    const session = stored as StoredUploadSession;
    const upload = await this.uploads.find(session.uploadId);
    if (!upload?.multipartUploadId) {
      throw new ConflictError(`Upload session '${session.uploadId}' no longer exists; open another one`);
    }
    return this.signed(session, upload.stagingKey, upload.multipartUploadId);
  }

  private async signed(
    session: StoredUploadSession,
    stagingKey: string,
    multipartUploadId: string,
  ): Promise<UploadSessionDto> {
    const { sizeBytes, partSizeBytes: partSize } = session;
    const count = Math.ceil(sizeBytes / partSize);
    const parts = await Promise.all(
      Array.from({ length: count }, async (_, i) => ({
        partNumber: i + 1,
        url: await this.staging.presignPart(stagingKey, multipartUploadId, i + 1, URL_TTL_SECONDS),
        sizeBytes: i === count - 1 ? sizeBytes - partSize * (count - 1) : partSize,
      })),
    );
    return { ...session, expiresAt: new Date(Date.now() + URL_TTL_SECONDS * 1000).toISOString(), parts };
  }

  async complete(imageId: string, uploadId: string, body: CompleteUploadSessionDto): Promise<Job> {
    const image = await this.intake.acceptingImage(imageId);
    const upload = isUuid(uploadId) ? await this.uploads.find(uploadId) : null;
    if (!upload || upload.imageId !== image.id || !upload.multipartUploadId) {
      throw new NotFoundError(`No upload session '${uploadId}' for image '${image.id}'`);
    }
    if (upload.state !== 'receiving')
      throw new ConflictError(`Upload session '${uploadId}' is already ${upload.state}`);
    const given = [...body.parts].sort((a, b) => a.partNumber - b.partNumber);
    const gaps = given.flatMap((part, index) =>
      part.partNumber === index + 1
        ? []
        : [{ field: `parts[${index}]`, message: `parts must be numbered 1..${given.length} without gaps` }],
    );
    if (gaps.length > 0) throw new UnprocessableError('The parts are not numbered 1..n', gaps);
    // Where the store lists parts, their ETags are checked before anything is assembled.
    const listed = await this.staging.listParts(upload.stagingKey, upload.multipartUploadId).catch(() => null);
    if (listed) {
      const staged = new Map(listed.map((p) => [p.partNumber, p.etag]));
      const problems = given.flatMap((part, index) => {
        const etag = staged.get(part.partNumber);
        if (etag === undefined)
          return [{ field: `parts[${index}]`, message: `part ${part.partNumber} was never uploaded` }];
        return unquote(etag) === unquote(part.etag)
          ? []
          : [{ field: `parts[${index}]`, message: `part ${part.partNumber}'s ETag does not match` }];
      });
      if (problems.length > 0) throw new UnprocessableError('The parts do not match what was uploaded', problems);
    }
    await this.staging.completeMultipart(upload.stagingKey, upload.multipartUploadId, given);
    // Read back once to learn every checksum, and each part's md5 (its ETag) where the store could not list them.
    const declaredSize = upload.sizeBytes === null ? null : Number(upload.sizeBytes);
    const digestor = new ImageDigestTransform();
    const partMd5 = new PartMd5Transform(upload.partSizeBytes ?? partSizeFor(declaredSize ?? 0));
    try {
      await pipeline(
        await this.staging.read(upload.stagingKey),
        digestor,
        partMd5,
        async (source: AsyncIterable<Buffer>) => {
          for await (const _ of source) void _;
        },
      );
      if (!listed) {
        const sums = partMd5.digests();
        const problems = given.flatMap((part, index) =>
          sums[index] === unquote(part.etag)
            ? []
            : [{ field: `parts[${index}]`, message: `part ${part.partNumber}'s ETag does not match` }],
        );
        if (problems.length > 0) throw new UnprocessableError('The parts do not match what was uploaded', problems);
      }
      this.intake.check(digestor.digest(), declaredSize, image.sha256);
    } catch (error) {
      await this.uploads.discard(upload);
      throw error;
    }
    return this.uploads.queuePush(image, upload, digestor.digest());
  }
}

function unquote(etag: string): string {
  return etag.replace(/^W\//, '').replace(/"/g, '');
}
