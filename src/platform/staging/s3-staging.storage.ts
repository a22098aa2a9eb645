import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  type DeleteObjectsCommandOutput,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createS3Client } from './s3-client.factory';
import { putSegmented, putStreamed } from './streamed-multipart';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Readable } from 'node:stream';
import type { StagingConfig } from '../config/app-config';
import { UnprocessableError } from '../errors/app.errors';
import type { StagedPart, StagingStorage } from './staging-storage';

const MiB = 1024 * 1024;
/** S3's codes for a CompleteMultipartUpload whose parts are not the ones uploaded. */
const CLIENT_PART_ERRORS = new Set(['InvalidPart', 'InvalidPartOrder', 'EntityTooSmall']);
/**
 * Part size of staged uploads. A body of known size is one streamed PUT up to
 * 5 GiB and streamed parts beyond: 8 MiB when 9,000 of them hold it (72 GiB,
 * below S3's 10,000-part limit), larger ones for larger files. A body of
 * unknown size is buffered by lib-storage, two 16 MiB parts in flight (up to
 * 156 GiB).
 */
const STREAM_QUEUE = 2;
const SMALL_PART_BYTES = 8 * MiB;
const UNKNOWN_SIZE_PART_BYTES = 16 * MiB;

export function streamPartBytes(expectedSizeBytes: number | null | undefined): number {
  if (expectedSizeBytes === null || expectedSizeBytes === undefined) return UNKNOWN_SIZE_PART_BYTES;
  return Math.max(SMALL_PART_BYTES, Math.ceil(expectedSizeBytes / 9_000 / MiB) * MiB);
}

export class S3StagingStorage implements StagingStorage {
  private readonly s3: S3Client;
  private readonly bucket: string;

  constructor(config: StagingConfig) {
    this.bucket = config.bucket;
    this.s3 = createS3Client(config);
  }

  /** Creates the bucket when it does not exist (sandbox, tests); a production bucket is made by its operators. */
  async ensureBucket(): Promise<void> {
    try {
      await this.s3.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch {
      await this.s3.send(new CreateBucketCommand({ Bucket: this.bucket }));
    }
  }

  async put(
    key: string,
    body: Readable,
    signal?: AbortSignal,
    expectedSizeBytes?: number | null,
  ): Promise<{ sizeBytes: number }> {
    if (expectedSizeBytes !== null && expectedSizeBytes !== undefined) {
      await putStreamed({ s3: this.s3, bucket: this.bucket, key }, body, expectedSizeBytes, {
        partBytes: streamPartBytes(expectedSizeBytes),
        signal,
      });
      return { sizeBytes: expectedSizeBytes };
    }
    const upload = new Upload({
      client: this.s3,
      params: { Bucket: this.bucket, Key: key, Body: body },
      partSize: streamPartBytes(expectedSizeBytes),
      queueSize: STREAM_QUEUE,
      leavePartsOnError: false,
    });
    const onAbort = () => void upload.abort().catch(() => undefined);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await upload.done();
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    return { sizeBytes: (await this.size(key)) ?? 0 };
  }

  async putSegments(
    key: string,
    body: Readable,
    sizeBytes: number,
    segmentBytes: number,
    onSegment: (stagedBytes: number) => Promise<void>,
  ): Promise<void> {
    await putSegmented({ s3: this.s3, bucket: this.bucket, key }, body, sizeBytes, { segmentBytes, onSegment });
  }

  async createMultipart(key: string): Promise<string> {
    const { UploadId } = await this.s3.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key }));
    if (!UploadId) throw new Error('the staging store returned no upload id');
    return UploadId;
  }

  presignPart(key: string, uploadId: string, partNumber: number, expiresInSeconds: number): Promise<string> {
    return getSignedUrl(
      this.s3,
      new UploadPartCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, PartNumber: partNumber }),
      { expiresIn: expiresInSeconds },
    );
  }

  async listParts(key: string, uploadId: string): Promise<StagedPart[]> {
    const parts: StagedPart[] = [];
    let marker: string | undefined;
    for (;;) {
      const page = await this.s3.send(
        new ListPartsCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, PartNumberMarker: marker }),
      );
      for (const part of page.Parts ?? []) {
        parts.push({ partNumber: part.PartNumber ?? 0, etag: part.ETag ?? '', sizeBytes: part.Size ?? 0 });
      }
      if (!page.IsTruncated || !page.NextPartNumberMarker) return parts;
      marker = page.NextPartNumberMarker;
    }
  }

  async completeMultipart(
    key: string,
    uploadId: string,
    parts: Array<{ partNumber: number; etag: string }>,
  ): Promise<void> {
    try {
      await this.s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.bucket,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) },
        }),
      );
    } catch (error) {
      // The store's word that the parts named are not what was uploaded is the client's mistake (422),
      // not a staging failure: S3 names these three codes for it.
      const code = (error as { name?: string }).name;
      if (code && CLIENT_PART_ERRORS.has(code)) {
        const message = `the store refused the parts: ${code}`;
        throw new UnprocessableError('The parts do not match what was uploaded', [{ field: 'parts', message }]);
      }
      throw error;
    }
  }

  async abortMultipart(key: string, uploadId: string): Promise<void> {
    await this.s3.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }));
  }

  async size(key: string): Promise<number | null> {
    try {
      const head = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return head.ContentLength ?? null;
    } catch (error) {
      if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return null;
      throw error;
    }
  }

  async read(key: string, range?: { start: number; end: number }, signal?: AbortSignal): Promise<Readable> {
    const result = await this.s3.send(
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Range: range ? `bytes=${range.start}-${range.end}` : undefined,
      }),
      { abortSignal: signal },
    );
    return result.Body as Readable;
  }

  async delete(key: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async deletePrefix(prefix: string): Promise<void> {
    // Each listing starts after the last key deleted, so a store whose listings lag its deletes cannot loop.
    for (let after: string | undefined; ;) {
      const page = await this.s3.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, StartAfter: after, MaxKeys: 1000 }),
      );
      const keys = (page.Contents ?? []).flatMap((object) => (object.Key ? [object.Key] : []));
      if (keys.length === 0) return;
      await this.deleteKeys(keys);
      after = keys[keys.length - 1];
      if (!page.IsTruncated) return;
    }
  }

  /**
   * One DeleteObjects for up to 1,000 keys. Some S3-compatible stores refuse
   * it without a Content-MD5, which the SDK no longer sends: they get one
   * DeleteObject per key instead, sixteen at a time.
   */
  private async deleteKeys(keys: string[]): Promise<void> {
    let answer: DeleteObjectsCommandOutput;
    try {
      answer = await this.s3.send(
        new DeleteObjectsCommand({
          Bucket: this.bucket,
          Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true },
        }),
      );
    } catch {
      for (let first = 0; first < keys.length; first += 16) {
        await Promise.all(keys.slice(first, first + 16).map((key) => this.delete(key)));
      }
      return;
    }
    const failed = answer.Errors ?? [];
    if (failed.length > 0) {
      throw new Error(
        `could not delete ${failed.length} of ${keys.length} staged objects: ${failed[0].Code ?? ''} ${failed[0].Message ?? ''}`,
      );
    }
  }

  destroy(): void {
    this.s3.destroy();
  }
}
