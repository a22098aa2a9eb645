import { ConflictError, ServiceUnavailableError } from '../platform/errors/app.errors';
import type { Upload } from '../platform/persistence/generated/client';
import type { StagedPart, StagingStorage } from '../platform/staging/staging-storage';
import { PartListingUnsupportedError, stagedPartsOf, validParts } from './session-parts';

const MIB = 1024 * 1024;
const IMAGE = '11111111-1111-4111-8111-111111111111';
const UPLOAD = '22222222-2222-4222-8222-222222222222';

function session(overrides: Partial<Upload> = {}): Upload {
  return {
    id: UPLOAD,
    imageId: IMAGE,
    state: 'receiving',
    stagingKey: `uploads/${IMAGE}/${UPLOAD}`,
    multipartUploadId: 'mp-1',
    partSizeBytes: 5 * MIB,
    segmentBytes: null,
    stagedBytes: null,
    failureReason: null,
    failureCode: null,
    sizeBytes: BigInt(11 * MIB),
    sha256: null,
    sha512: null,
    md5: null,
    jobId: null,
    createdAt: new Date('2026-12-06T00:00:00Z'),
    updatedAt: new Date('2026-12-06T00:00:00Z'),
    ...overrides,
  };
}

const staging = (listParts: () => Promise<StagedPart[]>) => ({ listParts }) as unknown as StagingStorage;

const storeError = (name: string, httpStatusCode: number) =>
  Object.assign(new Error(name), { name, $metadata: { httpStatusCode } });

describe("a direct upload session's parts", () => {
  it('keeps the listed parts held at their expected size, by number, and leaves out one of another size or beyond the last', () => {
    const listed = [
      { partNumber: 3, etag: '"c"', sizeBytes: 1 * MIB },
      { partNumber: 1, etag: '"a"', sizeBytes: 5 * MIB },
      { partNumber: 2, etag: '"b"', sizeBytes: 2 * MIB },
      { partNumber: 4, etag: '"d"', sizeBytes: 1 * MIB },
    ];
    expect(validParts(listed, 11 * MIB, 5 * MIB)).toEqual([
      { partNumber: 1, etag: '"a"', sizeBytes: 5 * MIB },
      { partNumber: 3, etag: '"c"', sizeBytes: 1 * MIB },
    ]);
  });

  it('answers 501 where the store cannot list parts, rather than guessing which are missing', async () => {
    await expect(
      stagedPartsOf(
        staging(() => Promise.reject(storeError('MethodNotAllowed', 405))),
        session(),
      ),
    ).rejects.toBeInstanceOf(PartListingUnsupportedError);
    await expect(
      stagedPartsOf(
        staging(() => Promise.reject(storeError('NotImplemented', 501))),
        session(),
      ),
    ).rejects.toMatchObject({ status: 501, slug: 'staging-listing-unsupported' });
  });

  it('answers 409 when the store no longer has the multipart upload, and 503 when it could not be asked', async () => {
    await expect(
      stagedPartsOf(
        staging(() => Promise.reject(storeError('NoSuchUpload', 404))),
        session(),
      ),
    ).rejects.toBeInstanceOf(ConflictError);
    await expect(
      stagedPartsOf(
        staging(() => Promise.reject(new Error('connect ECONNREFUSED'))),
        session(),
      ),
    ).rejects.toBeInstanceOf(ServiceUnavailableError);
  });
});
