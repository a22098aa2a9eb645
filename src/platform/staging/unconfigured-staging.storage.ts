import type { Readable } from 'node:stream';
import { ServiceUnavailableError } from '../errors/app.errors';
import type { StagedPart, StagingStorage } from './staging-storage';

/** Without STAGING_S3_*, every write-path call says what is missing instead of failing obscurely. */
export class UnconfiguredStagingStorage implements StagingStorage {
  put(): Promise<{ sizeBytes: number }> {
    return this.refuse();
  }
  putSegments(): Promise<void> {
    return this.refuse();
  }
  createMultipart(): Promise<string> {
    return this.refuse();
  }
  presignPart(): Promise<string> {
    return this.refuse();
  }
  listParts(): Promise<StagedPart[]> {
    return this.refuse();
  }
  completeMultipart(): Promise<void> {
    return this.refuse();
  }
  abortMultipart(): Promise<void> {
    return this.refuse();
  }
  size(): Promise<number | null> {
    return this.refuse();
  }
  read(): Promise<Readable> {
    return this.refuse();
  }
  delete(): Promise<void> {
    return this.refuse();
  }
  deletePrefix(): Promise<void> {
    return this.refuse();
  }

  private refuse(): Promise<never> {
    return Promise.reject(
      new ServiceUnavailableError(
        'The staging bucket is not configured: set STAGING_S3_ENDPOINT, _BUCKET and the keys',
      ),
    );
  }
}
