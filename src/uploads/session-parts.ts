import { AppError, ConflictError, ServiceUnavailableError } from '../platform/errors/app.errors';
import type { Upload } from '../platform/persistence/generated/client';
import { partSizeFor, type StagedPart, type StagingStorage } from '../platform/staging/staging-storage';

/**
 * A direct upload session's parts: what each should hold, and what the
 * staging store holds of them (S3 ListParts), for resuming and completing it.
 */

/** The store cannot list parts (S3 ListParts): a session cannot be resumed from what it holds. */
export class PartListingUnsupportedError extends AppError {
  readonly status = 501;
  readonly slug = 'staging-listing-unsupported';
  readonly title = 'The staging store cannot list uploaded parts';
  readonly transient = false;
}

export function sessionSizes(upload: Upload): { sizeBytes: number; partSizeBytes: number } {
  const sizeBytes = Number(upload.sizeBytes ?? 0);
  return { sizeBytes, partSizeBytes: upload.partSizeBytes ?? partSizeFor(sizeBytes) };
}

/** Every part of a session, numbered from 1, the last one shorter. */
export function expectedParts(
  sizeBytes: number,
  partSizeBytes: number,
): Array<{ partNumber: number; sizeBytes: number }> {
  const count = Math.ceil(sizeBytes / partSizeBytes);
  return Array.from({ length: count }, (_, i) => ({
    partNumber: i + 1,
    sizeBytes: i === count - 1 ? sizeBytes - partSizeBytes * (count - 1) : partSizeBytes,
  }));
}

/** The listed parts that are parts of the session at their expected size, by number; any other is sent again. */
export function validParts(listed: StagedPart[], sizeBytes: number, partSizeBytes: number): StagedPart[] {
  const expected = new Map(expectedParts(sizeBytes, partSizeBytes).map((p) => [p.partNumber, p.sizeBytes]));
  return listed
    .filter((part) => expected.get(part.partNumber) === part.sizeBytes)
    .sort((a, b) => a.partNumber - b.partNumber)
    .map(({ partNumber, etag, sizeBytes: size }) => ({ partNumber, etag, sizeBytes: size }));
}

/** The parts the store holds, or why it cannot say: 501 where it cannot list parts, 409 when the upload is gone there. */
export async function stagedPartsOf(staging: StagingStorage, upload: Upload): Promise<StagedPart[]> {
  try {
    return await staging.listParts(upload.stagingKey, upload.multipartUploadId!);
  } catch (error) {
    if (error instanceof AppError) throw error;
    const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
    const status = $metadata?.httpStatusCode;
    if (name === 'NotImplemented' || name === 'MethodNotAllowed' || status === 501 || status === 405) {
      throw new PartListingUnsupportedError(
        "The staging store cannot list a multipart upload's parts (S3 ListParts), so the session cannot be " +
          'resumed from what it holds: open another session and send every part',
      );
    }
    if (name === 'NoSuchUpload') {
      throw new ConflictError(
        `Upload session '${upload.id}' no longer exists in the staging store (aborted or expired); open another one`,
      );
    }
    throw new ServiceUnavailableError(
      `The staging store could not list the parts of upload session '${upload.id}': ` +
        (error instanceof Error ? error.message : String(error)),
    );
  }
}
