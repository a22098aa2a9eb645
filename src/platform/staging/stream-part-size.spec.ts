import { streamPartBytes } from './s3-staging.storage';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

describe('the part size of streamed staging uploads', () => {
  it('uses 8 MiB parts for files whose size is known and fits 9,000 of them', () => {
    expect(streamPartBytes(3 * MiB)).toBe(8 * MiB);
    expect(streamPartBytes(4 * GiB)).toBe(8 * MiB);
    expect(streamPartBytes(70 * GiB)).toBe(8 * MiB);
  });

  it('grows the parts for larger files so they stay under S3’s 10,000-part limit', () => {
    for (const size of [100 * GiB, 500 * GiB, 4 * 1024 * GiB]) {
      expect(Math.ceil(size / streamPartBytes(size))).toBeLessThanOrEqual(9_000);
    }
  });

  it('uses 16 MiB parts when the size is unknown', () => {
    expect(streamPartBytes(null)).toBe(16 * MiB);
    expect(streamPartBytes(undefined)).toBe(16 * MiB);
  });
});
