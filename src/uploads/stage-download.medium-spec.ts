import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { embeddedStagingConfig, startEmbeddedS3, type EmbeddedS3 } from '../../sandbox/embedded-s3';
import { S3StagingStorage } from '../platform/staging/s3-staging.storage';
import { stageDownload } from './stage-download';

class CancelledForTest extends Error {}

/** Sends 1 MiB of a declared 8 MiB, then holds the body open, or with `breakOff` drops the connection. */
function startStallingSource(breakOff = false): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(8 * 1024 * 1024) });
    res.write(Buffer.alloc(1024 * 1024, 7));
    if (breakOff) setTimeout(() => res.socket?.destroy(), 100);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/image`, server }),
    ),
  );
}

describe('staging a download', () => {
  let s3: EmbeddedS3;
  let staging: S3StagingStorage;

  beforeAll(async () => {
    s3 = await startEmbeddedS3();
    staging = new S3StagingStorage(embeddedStagingConfig(s3));
  });
  afterAll(async () => {
    staging?.destroy();
    await s3?.close();
  });

  it('stages the bytes under the key and returns their digest', async () => {
    const bytes = Buffer.alloc(3 * 1024 * 1024 + 11, 3);
    let counted = 0;
    const digest = await stageDownload(staging, 'downloads/whole', Readable.from([bytes]), {
      expectedSizeBytes: bytes.length,
      counted: (n) => (counted = n),
    });
    expect(digest.sizeBytes).toBe(bytes.length);
    expect(counted).toBe(bytes.length);
    expect(await staging.size('downloads/whole')).toBe(bytes.length);
  });

  it('fails the staging, not the process, when a fetch download is cancelled mid-stream, and leaves no staged object', async () => {
    const source = await startStallingSource();
    const cancel = new AbortController();
    try {
      const response = await fetch(source.url, { signal: cancel.signal });
      // fetch errors its body with the abort reason itself: the shape of a cancelled job's download.
      const download = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream);
      let counted = -1;
      const staged = stageDownload(staging, 'downloads/cancelled', download, {
        signal: cancel.signal,
        expectedSizeBytes: 8 * 1024 * 1024,
        counted: (n) => (counted = n),
      });
      setTimeout(() => cancel.abort(new CancelledForTest('cancelled by a user')), 200);
      await expect(staged).rejects.toThrow();
      expect(counted).toBeGreaterThan(0);
      expect(await staging.size('downloads/cancelled')).toBeNull();
    } finally {
      source.server.closeAllConnections();
      await new Promise((resolve) => source.server.close(resolve));
    }
  });

  it('fails the staging with the download’s error when the source breaks off, and leaves no staged object', async () => {
    const source = await startStallingSource(true);
    try {
      const response = await fetch(source.url);
      const download = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream);
      await expect(
        stageDownload(staging, 'downloads/broken', download, { expectedSizeBytes: 8 * 1024 * 1024 }),
      ).rejects.toThrow(/terminated|other side closed/);
      expect(await staging.size('downloads/broken')).toBeNull();
    } finally {
      source.server.closeAllConnections();
      await new Promise((resolve) => source.server.close(resolve));
    }
  });
});
