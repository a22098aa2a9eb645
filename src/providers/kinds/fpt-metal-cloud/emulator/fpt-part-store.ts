import type { Readable } from 'node:stream';

/**
 * Where the bytes of a custom-image upload live: FPT hands out presigned S3
 * multipart URLs, so this is shaped like S3 multipart (create, presign each
 * part, complete with ETags, abort) plus reading and deleting the assembled
 * object. The emulator's LocalFptPartStore keeps parts on disk and serves the
 * part URLs itself; S3FptPartStore backs them with a real multipart upload on
 * an S3-compatible server. Either serves the routes unchanged.
 */
export interface FptPartRef {
  partNumber: number;
  /** As S3 returns it: the quoted md5 of the part; quotes are optional when comparing. */
  etag: string;
}

export interface FptStoredPart extends FptPartRef {
  size: number;
}

export interface FptAssembledObject {
  key: string;
  size: number;
}

export interface FptPartStore {
  /** S3 CreateMultipartUpload for `key`; resolves to the upload id. */
  createUpload(key: string): Promise<string>;
  /** A presigned `PUT` URL for one part. `origin` is the emulator's base URL, for stores it serves itself. */
  presignPart(uploadId: string, partNumber: number, origin: string): Promise<string>;
  /** S3 CompleteMultipartUpload; rejects with FptInvalidPartError when a part is missing or its ETag differs. */
  completeUpload(uploadId: string, parts: readonly FptPartRef[]): Promise<FptAssembledObject>;
  /** S3 AbortMultipartUpload; unknown ids are ignored. */
  abortUpload(uploadId: string): Promise<void>;
  /** The assembled object's bytes, streamed. */
  readObject(key: string): Readable;
  /** Unknown keys are ignored. */
  deleteObject(key: string): Promise<void>;
  close(): Promise<void>;
}

/** S3 `InvalidPart` / `InvalidPartOrder`: the caller's part list does not match what was uploaded. */
export class FptInvalidPartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FptInvalidPartError';
  }
}

/** S3 `NoSuchUpload`. */
export class FptNoSuchUploadError extends Error {
  constructor(readonly uploadId: string) {
    super(`The specified multipart upload does not exist: ${uploadId}`);
    this.name = 'FptNoSuchUploadError';
  }
}

/** ETags compare without their quotes and case, as S3 clients send them either way. */
export function sameEtag(a: string, b: string): boolean {
  return a.replace(/"/g, '').toLowerCase() === b.replace(/"/g, '').toLowerCase();
}
