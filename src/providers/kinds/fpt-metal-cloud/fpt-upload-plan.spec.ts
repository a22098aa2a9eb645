import {
  FPT_UPLOAD_STATE_FORMAT,
  layoutFor,
  parseUploadState,
  partRange,
  readPresignedBatch,
  reconcile,
} from './fpt-upload-plan';

const url = (part: number, uploadId = 'u1', date = '20250115T083012Z', expires = '3600') =>
  `https://s3.example/bucket/hpc-images/k?partNumber=${part}&uploadId=${uploadId}&X-Amz-Date=${date}&X-Amz-Expires=${expires}&X-Amz-Signature=abc`;

describe('FPT upload plan', () => {
  it('cuts the file into as many equal parts as URLs, the last one shorter', () => {
    const layout = layoutFor(10, 3)!;

    expect(layout).toEqual({ sizeBytes: 10, partCount: 3, partSize: 4 });
    expect([1, 2, 3].map((n) => partRange(layout, n))).toEqual([
      { start: 0, end: 3, size: 4 },
      { start: 4, end: 7, size: 4 },
      { start: 8, end: 9, size: 2 },
    ]);
    // 3, 3, 3, 1 bytes is fine; eleven URLs for ten bytes would leave a part empty.
    expect(layoutFor(10, 4)).toEqual({ sizeBytes: 10, partCount: 4, partSize: 3 });
    expect(layoutFor(10, 11)).toBeNull();
    expect(layoutFor(0, 1)).toBeNull();
  });

  it('reads the upload id and the earliest expiry of a batch of presigned URLs', () => {
    const batch = readPresignedBatch({ data: [url(1), url(2, 'u1', '20250115T083000Z')] });

    expect(batch).toEqual({
      uploadId: 'u1',
      urls: [url(1), url(2, 'u1', '20250115T083000Z')],
      expiresAt: Date.UTC(2025, 0, 15, 9, 30, 0),
    });
    expect(readPresignedBatch({ data: ['https://s3.example/b/k?partNumber=1'] })).toMatchObject({
      uploadId: 'https://s3.example/b/k',
      expiresAt: null,
    });
  });

  it('refuses answers that are not URLs of one upload', () => {
    expect(readPresignedBatch({ data: [] })).toBeNull();
    expect(readPresignedBatch({ data: [url(1), url(2, 'u2')] })).toBeNull();
    expect(readPresignedBatch({ data: ['not a url'] })).toBeNull();
    expect(readPresignedBatch({ data: ['ftp://s3.example/x'] })).toBeNull();
    expect(readPresignedBatch([url(1)])).toBeNull();
  });

  it('trusts recorded parts only for the upload and layout they were recorded under', () => {
    const batch = readPresignedBatch({ data: [url(1), url(2), url(3)] })!;
    const layout = layoutFor(30, 3)!;
    const recorded = new Map([
      [1, '"a"'],
      [2, '"b"'],
    ]);
    const saved = parseUploadState({
      format: FPT_UPLOAD_STATE_FORMAT,
      uploadId: 'u1',
      partCount: 3,
      partSize: 10,
      urlsExpireAt: null,
      staleParts: {},
    });

    expect(reconcile(saved, batch, layout, recorded).done).toEqual(recorded);

    const other = reconcile({ ...saved!, uploadId: 'u0' }, batch, layout, recorded);
    expect(other.done.size).toBe(0);
    expect(other.state).toMatchObject({ uploadId: 'u1', staleParts: { 1: '"a"', 2: '"b"' } });

    // Part 1 sent again to the new upload (another ETag recorded); part 2 not yet.
    const resumed = reconcile(other.state, batch, layout, new Map([...recorded, [1, '"a2"']]));
    expect([...resumed.done]).toEqual([[1, '"a2"']]);
  });

  it('ignores state it did not write', () => {
    expect(parseUploadState(null)).toBeNull();
    expect(parseUploadState({ format: 'other', uploadId: 'u1', partCount: 1, partSize: 1 })).toBeNull();
    expect(parseUploadState({ format: FPT_UPLOAD_STATE_FORMAT, uploadId: 'u1', partCount: 0, partSize: 1 })).toBeNull();
  });
});
