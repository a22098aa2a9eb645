import { Inject, Injectable } from '@nestjs/common';
import { pipeline } from 'node:stream/promises';
import { BadRequestError, ConflictError, NotFoundError, UnprocessableError } from '../platform/errors/app.errors';
import type { Job, Upload } from '../platform/persistence/generated/client';
import type { ReplayableAnswer } from '../platform/idempotency/replayed-by';
import { isUuid } from '../platform/persistence/uuid';
import { partSizeFor, STAGING_STORAGE, type StagingStorage } from '../platform/staging/staging-storage';
import { ImagesService } from '../catalogue/images.service';
import { ImageDigestTransform } from './image-digest.transform';
import { PartMd5Transform } from './part-md5.transform';
import type {
  CompleteUploadSessionDto,
  CreateUploadSessionDto,
  UploadSessionDto,
  UploadSessionListDto,
  UploadSessionPartDto,
  UploadSessionStatusDto,
} from './upload-session.dto';
import { UploadIntakeService } from './upload-intake.service';
import { UploadLifecycle } from './upload-lifecycle';
import { expectedParts, sessionSizes, stagedPartsOf, validParts } from './session-parts';

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
    private readonly images: ImagesService,
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

  /**
   * A session to resume: the parts the staging store already holds at their
   * expected size, and fresh URLs for only the others. A session that is no
   * longer receiving parts (completed, or discarded) is a 409 naming its state.
   */
  async status(imageId: string, uploadId: string): Promise<UploadSessionStatusDto> {
    const upload = await this.sessionOf(imageId, uploadId);
    if (upload.state !== 'receiving') {
      throw new ConflictError(
        `Upload session '${uploadId}' is ${upload.state}: it takes no more parts` +
          (upload.state === 'failed' || upload.state === 'cancelled'
            ? '; open another one'
            : '; its upload job was queued when it was completed'),
      );
    }
    const { sizeBytes, partSizeBytes } = sessionSizes(upload);
    const staged = validParts(await stagedPartsOf(this.staging, upload), sizeBytes, partSizeBytes);
    const held = new Set(staged.map((part) => part.partNumber));
    const missing = expectedParts(sizeBytes, partSizeBytes).filter((part) => !held.has(part.partNumber));
    const parts = await this.signParts(upload.stagingKey, upload.multipartUploadId!, missing);
    return {
      uploadId: upload.id,
      imageId: upload.imageId,
      state: upload.state,
      sizeBytes,
      partSizeBytes,
      expiresAt: new Date(Date.now() + URL_TTL_SECONDS * 1000).toISOString(),
      stagedParts: staged,
      parts,
    };
  }

  /** The image's sessions still receiving parts, without URLs: what a client that lost its own record resumes. */
  async list(imageId: string): Promise<UploadSessionListDto> {
    const image = await this.images.row(imageId);
    const open = await this.uploads.openSessionsOf(image.id);
    const items = await Promise.all(
      open.map(async (upload) => {
        const { sizeBytes, partSizeBytes } = sessionSizes(upload);
        const listed = await this.staging.listParts(upload.stagingKey, upload.multipartUploadId!).catch(() => null);
        return {
          uploadId: upload.id,
          sizeBytes,
          partSizeBytes,
          createdAt: upload.createdAt.toISOString(),
          ...(listed ? { stagedPartCount: validParts(listed, sizeBytes, partSizeBytes).length } : {}),
        };
      }),
    );
    return { items };
  }

  /** The direct upload session `uploadId` of image `imageId`, or a 404. */
  private async sessionOf(imageId: string, uploadId: string): Promise<Upload> {
    const upload = isUuid(uploadId) ? await this.uploads.find(uploadId) : null;
    if (!upload || upload.imageId !== imageId || !upload.multipartUploadId) {
      throw new NotFoundError(`No upload session '${uploadId}' for image '${imageId}'`);
    }
    return upload;
  }

  private async signed(
    session: StoredUploadSession,
    stagingKey: string,
    multipartUploadId: string,
  ): Promise<UploadSessionDto> {
    const parts = await this.signParts(
      stagingKey,
      multipartUploadId,
      expectedParts(session.sizeBytes, session.partSizeBytes),
    );
    return { ...session, expiresAt: new Date(Date.now() + URL_TTL_SECONDS * 1000).toISOString(), parts };
  }

  private signParts(
    stagingKey: string,
    multipartUploadId: string,
    parts: Array<{ partNumber: number; sizeBytes: number }>,
  ): Promise<UploadSessionPartDto[]> {
    return Promise.all(
      parts.map(async ({ partNumber, sizeBytes }) => ({
        partNumber,
        url: await this.staging.presignPart(stagingKey, multipartUploadId, partNumber, URL_TTL_SECONDS),
        sizeBytes,
      })),
    );
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
      const staged = new Map(listed.map((p) => [p.partNumber, p]));
      const expected = upload.partSizeBytes
        ? new Map(expectedParts(Number(upload.sizeBytes), upload.partSizeBytes).map((p) => [p.partNumber, p.sizeBytes]))
        : null;
      const problems = given.flatMap((part, index) => {
        const held = staged.get(part.partNumber);
        if (held === undefined)
          return [{ field: `parts[${index}]`, message: `part ${part.partNumber} was never uploaded` }];
        if (unquote(held.etag) !== unquote(part.etag))
          return [{ field: `parts[${index}]`, message: `part ${part.partNumber}'s ETag does not match` }];
        const size = expected?.get(part.partNumber);
        return expected === null || size === held.sizeBytes
          ? []
          : [
              {
                field: `parts[${index}]`,
                message:
                  size === undefined
                    ? `part ${part.partNumber} is beyond the session's last part`
                    : `part ${part.partNumber} holds ${held.sizeBytes} bytes, not ${size}`,
              },
            ];
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
      const assembled = digestor.digest().sha256;
      if (body.sha256 && body.sha256 !== assembled) {
        throw new UnprocessableError(
          `The parts' sha256 is ${assembled}; the client read ${body.sha256} from its file`,
          [{ field: 'sha256', message: 'the sha256 of the assembled parts differs from the one sent' }],
        );
      }
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
