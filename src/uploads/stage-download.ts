import { pipeline, type Readable } from 'node:stream';
import type { StagingStorage } from '../platform/staging/staging-storage';
import { ImageDigestTransform, type ImageDigest } from './image-digest.transform';

export interface StageDownloadOptions {
  signal?: AbortSignal;
  /** Lets staging pick its part size; null when the source did not say. */
  expectedSizeBytes: number | null;
  /** Told the bytes that went by, once, however the staging ended. */
  counted?: (bytes: number) => void;
}

/**
 * Streams a download into staging under `key`, hashing it on the way, and
 * returns its digest. The download is joined with pipeline, not pipe(): a
 * source that breaks off or is aborted (a cancelled job errors a fetch body
 * with the job's reason) then fails the staging, where an unhandled 'error'
 * event would have ended the worker process. On failure the partial object
 * is deleted and the download's connection released.
 */
export async function stageDownload(
  staging: StagingStorage,
  key: string,
  download: Readable,
  options: StageDownloadOptions,
): Promise<ImageDigest> {
  const digestor = new ImageDigestTransform();
  const body = pipeline(download, digestor, () => undefined);
  try {
    await staging.put(key, body, options.signal, options.expectedSizeBytes);
  } catch (error) {
    await staging.delete(key).catch(() => undefined);
    throw error;
  } finally {
    body.destroy();
    options.counted?.(digestor.bytesSeen);
  }
  return digestor.digest();
}
