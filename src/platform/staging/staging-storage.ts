import type { Readable } from 'node:stream';

/**
 * The staging bucket, where image bytes wait between the client and the
 * provider. The broker's services use this port; S3StagingStorage is the one
 * implementation (any S3-compatible store: AWS, MinIO, Ceph, s3rver).
 */
export interface StagedPart {
  partNumber: number;
  etag: string;
  sizeBytes: number;
}

export interface StagingStorage {
  /**
   * Streams `body` into `key`. With `expectedSizeBytes` nothing is buffered
   * (one streamed PUT, or streamed parts beyond 5 GiB), and a body of another
   * size fails with StagedSizeMismatchError, leaving no object; without it,
   * a multipart upload buffers its parts.
   */
  put(
    key: string,
    body: Readable,
    signal?: AbortSignal,
    expectedSizeBytes?: number | null,
  ): Promise<{ sizeBytes: number }>;
  /**
   * Streams `body`, exactly `sizeBytes` long, into consecutive segment
   * objects under `key` (segmented-layout.ts), one streamed PUT each, and
   * awaits `onSegment` after each with the bytes stored so far, so a reader
   * can start before the last byte is in. A body of another size fails with
   * StagedSizeMismatchError; stored segments stay for the caller to remove.
   */
  putSegments(
    key: string,
    body: Readable,
    sizeBytes: number,
    segmentBytes: number,
    onSegment: (stagedBytes: number) => Promise<void>,
  ): Promise<void>;
  createMultipart(key: string): Promise<string>;
  presignPart(key: string, uploadId: string, partNumber: number, expiresInSeconds: number): Promise<string>;
  listParts(key: string, uploadId: string): Promise<StagedPart[]>;
  completeMultipart(key: string, uploadId: string, parts: Array<{ partNumber: number; etag: string }>): Promise<void>;
  abortMultipart(key: string, uploadId: string): Promise<void>;
  size(key: string): Promise<number | null>;
  /** A fresh stream of bytes start..end (inclusive), or of the whole object. */
  read(key: string, range?: { start: number; end: number }, signal?: AbortSignal): Promise<Readable>;
  delete(key: string): Promise<void>;
  /** Deletes every object whose key starts with `prefix` (a segmented object's segments), listed and deleted by the thousand. */
  deletePrefix(prefix: string): Promise<void>;
}

/** The body ended before, or went on after, the `expectedSizeBytes` a put was given: nothing is staged. */
export class StagedSizeMismatchError extends Error {
  constructor(
    readonly expectedBytes: number,
    readonly receivedBytes: number,
  ) {
    super(
      receivedBytes < expectedBytes
        ? `the body ended after ${receivedBytes} of the expected ${expectedBytes} bytes`
        : `the body is larger than the expected ${expectedBytes} bytes`,
    );
    this.name = 'StagedSizeMismatchError';
  }
}

export const STAGING_STORAGE = Symbol('STAGING_STORAGE');

/** Multipart limits of S3: parts of 5 MiB to 5 GiB, at most 10,000 per object. */
export const S3_MIN_PART = 5 * 1024 * 1024;
export const S3_MAX_PARTS = 10_000;

/** The part size for an object of `sizeBytes`: `preferred`, grown so the object fits in 10,000 parts. */
export function partSizeFor(sizeBytes: number, preferred = 16 * 1024 * 1024): number {
  const needed = Math.ceil(sizeBytes / S3_MAX_PARTS);
  const size = Math.max(preferred, S3_MIN_PART, needed);
  return Math.ceil(size / (1024 * 1024)) * 1024 * 1024;
}
