import { embeddedStagingConfig, startEmbeddedS3, type EmbeddedS3 } from '../../../sandbox/embedded-s3';
import { S3StagingStorage } from './s3-staging.storage';

describe("listing a multipart upload's parts", () => {
  let s3: EmbeddedS3;
  let staging: S3StagingStorage;

  beforeAll(async () => {
    s3 = await startEmbeddedS3();
    staging = new S3StagingStorage(embeddedStagingConfig(s3));
  });
  afterAll(async () => {
    await s3?.close();
  });

  it('lists every part past the first page of 1,000, in order, with its ETag and size', async () => {
    const key = 'uploads/list-parts/many';
    const uploadId = await staging.createMultipart(key);
    const count = 1_003;
    const etags = new Map<number, string>();
    for (let start = 1; start <= count; start += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, count - start + 1) }, async (_, i) => {
          const partNumber = start + i;
          const url = await staging.presignPart(key, uploadId, partNumber, 600);
          const res = await fetch(url, { method: 'PUT', body: Buffer.alloc(partNumber % 7, partNumber) });
          etags.set(partNumber, res.headers.get('etag')!);
        }),
      );
    }
    const parts = await staging.listParts(key, uploadId);
    expect(parts).toHaveLength(count);
    expect(parts.map((p) => p.partNumber)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    expect(parts[1001]).toEqual({ partNumber: 1002, etag: etags.get(1002), sizeBytes: 1002 % 7 });
  });

  it('is refused as NoSuchUpload for an upload the store does not have', async () => {
    await expect(staging.listParts('uploads/list-parts/none', 'no-such-upload')).rejects.toMatchObject({
      name: 'NoSuchUpload',
    });
  });
});
