import { createS3Client } from '../../../../platform/staging/s3-client.factory';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Readable } from 'node:stream';
import {
  type FptAssembledObject,
  FptInvalidPartError,
  FptNoSuchUploadError,
  type FptPartRef,
  type FptPartStore,
} from './fpt-part-store';

export interface S3FptPartStoreOptions {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Lifetime of presigned part URLs; 3600 s when omitted (S3 allows up to 7 days). */
  presignTtlSeconds?: number;
  /** Signing clock of presigned URLs; lets tests hand out URLs that S3 already considers expired. */
  now?: () => number;
}

/** The S3 store options for the `STAGING_S3_*` variables of `startEmbeddedS3`, in a bucket of its own. */
export function s3PartStoreOptionsFromEnv(
  env: Readonly<Record<string, string>>,
  bucket: string,
): S3FptPartStoreOptions {
  return {
    endpoint: env.STAGING_S3_ENDPOINT,
    bucket,
    region: env.STAGING_S3_REGION,
    accessKeyId: env.STAGING_S3_ACCESS_KEY_ID,
    secretAccessKey: env.STAGING_S3_SECRET_ACCESS_KEY,
  };
}

/** S3 error codes that mean the part list of a complete does not match the upload. */
const INVALID_PART_CODES = new Set(['InvalidPart', 'InvalidPartOrder', 'EntityTooSmall']);
/** What S3-compatible servers without the call answer (s3rver has no AbortMultipartUpload). */
const UNSUPPORTED_CODES = new Set(['MethodNotAllowed', 'NotImplemented']);

/**
 * FptPartStore on a real S3-compatible server: a true multipart upload per
 * image. Presigned part URLs are SigV4 `UploadPart` URLs, so the client PUTs
 * each part straight to S3 and gets S3's own ETag; completion is S3's
 * CompleteMultipartUpload with the client's ETags, and the emulator hashes the
 * assembled object by streaming it back with GetObject.
 *
 * Which checks are S3's: real S3 (and MinIO, Ceph) refuse a complete whose
 * ETags or part numbers do not match what was uploaded (`InvalidPart`), parts
 * under 5 MiB but the last (`EntityTooSmall`) and unknown uploads
 * (`NoSuchUpload`); those map onto FptInvalidPartError / FptNoSuchUploadError.
 * s3rver, the embedded server of the tests, checks none of them, does not
 * verify SigV4 signatures (only their expiry) and has no AbortMultipartUpload,
 * so this store checks what it can without the parts' contents itself: a
 * non-empty, ascending part list, and upload ids it created. The emulator's
 * size and SHA-256 check of the assembled object still catches any wrong bytes.
 */
export class S3FptPartStore implements FptPartStore {
  readonly bucket: string;
  private readonly s3: S3Client;
  private readonly ttlSeconds: number;
  private readonly now: () => number;
  /** uploadId → key: presigning needs the key, and the store answers NoSuchUpload for ids it did not open. */
  private readonly uploads = new Map<string, string>();
  private bucketReady: Promise<void> | undefined;

  constructor(options: S3FptPartStoreOptions) {
    this.bucket = options.bucket;
    this.ttlSeconds = options.presignTtlSeconds ?? 3600;
    this.now = options.now ?? Date.now;
    this.s3 = createS3Client(options);
  }

  async createUpload(key: string): Promise<string> {
    await this.ensureBucket();
    const { UploadId } = await this.s3.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key }));
    if (!UploadId) throw new Error(`S3 CreateMultipartUpload for ${key} answered no UploadId`);
    this.uploads.set(UploadId, key);
    return UploadId;
  }

  /** A SigV4 presigned UploadPart URL on the S3 endpoint; `origin` is not used (S3 serves the parts). */
  async presignPart(uploadId: string, partNumber: number): Promise<string> {
    const key = this.keyOf(uploadId);
    return await getSignedUrl(
      this.s3,
      new UploadPartCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, PartNumber: partNumber }),
      { expiresIn: this.ttlSeconds, signingDate: new Date(this.now()) },
    );
  }

  async completeUpload(uploadId: string, parts: readonly FptPartRef[]): Promise<FptAssembledObject> {
    const key = this.keyOf(uploadId);
    checkPartList(parts);
    try {
      await this.s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.bucket,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: {
            Parts: parts.map((part) => ({ PartNumber: part.partNumber, ETag: quoted(part.etag) })),
          },
        }),
      );
    } catch (error) {
      const code = s3ErrorCode(error);
      if (code !== null && INVALID_PART_CODES.has(code)) throw new FptInvalidPartError((error as Error).message);
      if (code === 'NoSuchUpload') {
        this.uploads.delete(uploadId);
        throw new FptNoSuchUploadError(uploadId);
      }
      throw error;
    }
    this.uploads.delete(uploadId);
    const head = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
    return { key, size: head.ContentLength ?? 0 };
  }

  /** Best effort, as the interface asks: unknown uploads and servers without the call are ignored. */
  async abortUpload(uploadId: string): Promise<void> {
    const key = this.uploads.get(uploadId);
    if (key === undefined) return;
    this.uploads.delete(uploadId);
    try {
      await this.s3.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }));
    } catch (error) {
      const code = s3ErrorCode(error);
      if (code === 'NoSuchUpload' || (code !== null && UNSUPPORTED_CODES.has(code))) return;
      throw error;
    }
  }

  hasUpload(uploadId: string): boolean {
    return this.uploads.has(uploadId);
  }

  /** GetObject, streamed: the request starts when the stream is first read, and no chunk is buffered beyond it. */
  readObject(key: string): Readable {
    const { s3, bucket } = this;
    async function* chunks(): AsyncGenerator<Buffer> {
      const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!Body) return;
      for await (const chunk of Body as Readable) yield chunk as Buffer;
    }
    return Readable.from(chunks(), { objectMode: false });
  }

  /** S3 DeleteObject answers 204 for missing keys too. */
  async deleteObject(key: string): Promise<void> {
    await this.ensureBucket();
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  /** Open uploads are left to the server (their parts are the caller's to clean up with the bucket). */
  close(): Promise<void> {
    this.uploads.clear();
    this.s3.destroy();
    return Promise.resolve();
  }

  /** Creates the bucket when it does not exist; retried on the next call if that fails. */
  private ensureBucket(): Promise<void> {
    this.bucketReady ??= this.createBucketIfMissing().catch((error: unknown) => {
      this.bucketReady = undefined;
      throw error;
    });
    return this.bucketReady;
  }

  private async createBucketIfMissing(): Promise<void> {
    try {
      await this.s3.send(new HeadBucketCommand({ Bucket: this.bucket }));
      return;
    } catch (error) {
      if (httpStatus(error) !== 404) throw error;
    }
    try {
      await this.s3.send(new CreateBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      // Another emulator sharing the server created it in between.
      if (s3ErrorCode(error) !== 'BucketAlreadyOwnedByYou') throw error;
    }
  }

  private keyOf(uploadId: string): string {
    const key = this.uploads.get(uploadId);
    if (key === undefined) throw new FptNoSuchUploadError(uploadId);
    return key;
  }
}

/** S3's own rules that need no part contents: at least one part, part numbers 1–10,000 ascending. */
function checkPartList(parts: readonly FptPartRef[]): void {
  if (parts.length === 0) throw new FptInvalidPartError('You must specify at least one part');
  parts.forEach((part, index) => {
    if (!Number.isInteger(part.partNumber) || part.partNumber < 1 || part.partNumber > 10_000) {
      throw new FptInvalidPartError(`Part number must be an integer between 1 and 10000 (got ${part.partNumber})`);
    }
    if (index > 0 && part.partNumber <= parts[index - 1].partNumber) {
      throw new FptInvalidPartError('The list of parts was not in ascending order');
    }
  });
}

/** S3 sends ETags quoted; clients may strip the quotes. */
function quoted(etag: string): string {
  return `"${etag.replace(/"/g, '')}"`;
}

function s3ErrorCode(error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null;
  const { Code, name } = error as { Code?: unknown; name?: unknown };
  if (typeof Code === 'string') return Code;
  return typeof name === 'string' ? name : null;
}

function httpStatus(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
}
