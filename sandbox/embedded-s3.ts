import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import type { StagingConfig } from '../src/platform/config/app-config';

export interface EmbeddedS3 {
  /** The STAGING_S3_* variables that point the broker at this store. */
  env: Record<string, string>;
  endpoint: string;
  close(): Promise<void>;
}

/**
 * An S3-compatible store on 127.0.0.1 (s3rver, files in a temporary
 * directory), for the sandbox and the tests: the broker talks to it with the
 * same AWS SDK code it uses against a real bucket.
 */
export async function startEmbeddedS3(bucket = 'image-broker-staging'): Promise<EmbeddedS3> {
  const directory = mkdtempSync(join(tmpdir(), 'ib-s3-'));
  const server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  refuseMissingParts(server);
  answerListParts(server);
  const { port } = (await server.run()) as { port: number };
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    env: {
      STAGING_S3_ENDPOINT: endpoint,
      STAGING_S3_BUCKET: bucket,
      STAGING_S3_REGION: 'us-east-1',
      STAGING_S3_ACCESS_KEY_ID: 'S3RVER',
      STAGING_S3_SECRET_ACCESS_KEY: 'S3RVER',
    },
    close: async () => {
      // Idle keep-alive sockets (Node's global agent keeps them) would hold close() open until they time out.
      (server as unknown as { httpServer?: { closeAllConnections(): void } }).httpServer?.closeAllConnections();
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** The part of s3rver's filesystem store that assembles a multipart upload. */
interface MultipartStore {
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  putObjectMultipart(bucket: string, uploadId: string, parts: Array<{ number: number }>): Promise<unknown>;
}

/** s3rver's own error, which it answers as S3's XML error with the code's status (InvalidPart: 400). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rverError = require('s3rver/lib/models/error') as new (code: string, message: string) => Error;

/**
 * s3rver concatenates the part files a CompleteMultipartUpload names without
 * checking that they exist: a missing part's read error is lost and the
 * request is never answered (the fuzz suite's made-up parts hung the broker's
 * complete call). Real S3 answers 400 InvalidPart; the store does the same
 * here. Hand-written because s3rver has no option for it.
 */
function refuseMissingParts(server: S3rver): void {
  const store = (server as unknown as { store: MultipartStore }).store;
  const assemble = store.putObjectMultipart.bind(store);
  store.putObjectMultipart = async (bucket, uploadId, parts) => {
    const folder = join(store.getResourcePath(bucket, undefined, 'uploads'), uploadId);
    const missing = parts.find((part) => !existsSync(join(folder, String(part.number))));
    if (missing) {
      throw new S3rverError(
        'InvalidPart',
        'One or more of the specified parts could not be found.  The part may not have been uploaded, ' +
          "or the specified entity tag may not match the part's entity tag.",
      );
    }
    return assemble(bucket, uploadId, parts);
  };
}

/** The staging configuration for an embedded store, as the broker would parse it from its `env`. */
export function embeddedStagingConfig(s3: Pick<EmbeddedS3, 'env'>, segmentBytes = 64 * 1024 * 1024): StagingConfig {
  return {
    endpoint: s3.env.STAGING_S3_ENDPOINT,
    bucket: s3.env.STAGING_S3_BUCKET,
    region: s3.env.STAGING_S3_REGION,
    accessKeyId: s3.env.STAGING_S3_ACCESS_KEY_ID,
    secretAccessKey: s3.env.STAGING_S3_SECRET_ACCESS_KEY,
    segmentBytes,
  };
}

/** The part of Koa's app that holds its middleware, composed when the server starts. */
interface KoaContext {
  method: string;
  path: string;
  query: Record<string, string | string[] | undefined>;
  type: string;
  body: unknown;
}
type KoaMiddleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;

/**
 * s3rver has no ListParts (GET …/key?uploadId=…: it answers 405), which S3,
 * MinIO and Ceph have and a resumed direct upload session reads. Answered
 * here from s3rver's own part files (a part whose md5 is not written yet is
 * still arriving and not listed), paged by max-parts and part-number-marker
 * like S3. Inserted before s3rver's router; unsigned requests are answered
 * too, as s3rver answers them elsewhere.
 */
function answerListParts(server: S3rver): void {
  const store = (server as unknown as { store: MultipartStore }).store;
  const app = server as unknown as { middleware: KoaMiddleware[] };
  const listParts: KoaMiddleware = async (ctx, next) => {
    const uploadId = ctx.query.uploadId;
    const match = /^\/([^/]+)\/(.+)$/.exec(ctx.path);
    if (ctx.method !== 'GET' || typeof uploadId !== 'string' || !match) return next();
    const [, bucket, key] = match;
    // s3rver's upload ids are 32 hex digits; anything else names no upload (and never a folder elsewhere).
    if (!/^[0-9a-f]{32}$/.test(uploadId)) throw new S3rverError('NoSuchUpload', 'The specified upload does not exist.');
    const folder = join(store.getResourcePath(bucket, undefined, 'uploads'), uploadId);
    if (!existsSync(join(folder, 'key'))) {
      throw new S3rverError('NoSuchUpload', 'The specified upload does not exist.');
    }
    const marker = wholeNumber(ctx.query['part-number-marker'], 0, 'part-number-marker');
    const maxParts = Math.min(1000, wholeNumber(ctx.query['max-parts'], 1000, 'max-parts'));
    const numbers = (await readdir(folder))
      .filter((name) => /^\d+\.md5$/.test(name))
      .map((name) => Number(name.slice(0, -4)))
      .filter((n) => n > marker)
      .sort((a, b) => a - b);
    const page = numbers.slice(0, maxParts);
    const parts = await Promise.all(
      page.map(async (n) => {
        const [md5, info] = await Promise.all([
          readFile(join(folder, `${n}.md5`), 'utf8'),
          stat(join(folder, String(n))),
        ]);
        return (
          `<Part><PartNumber>${n}</PartNumber><LastModified>${info.mtime.toISOString()}</LastModified>` +
          `<ETag>&quot;${md5.trim()}&quot;</ETag><Size>${info.size}</Size></Part>`
        );
      }),
    );
    const truncated = numbers.length > page.length;
    ctx.type = 'application/xml';
    ctx.body =
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
      `<Bucket>${xmlText(bucket)}</Bucket><Key>${xmlText(decodeURIComponent(key))}</Key><UploadId>${uploadId}</UploadId>` +
      `<PartNumberMarker>${marker}</PartNumberMarker>` +
      (page.length > 0 ? `<NextPartNumberMarker>${page[page.length - 1]}</NextPartNumberMarker>` : '') +
      `<MaxParts>${maxParts}</MaxParts><IsTruncated>${truncated}</IsTruncated>` +
      parts.join('') +
      '</ListPartsResult>';
  };
  // Before the router (the last middleware), after the logger, XML encoder and vhost ones.
  app.middleware.splice(app.middleware.length - 1, 0, listParts);
}

/** A query parameter S3 reads as a whole number; S3 answers InvalidArgument to anything else. */
function wholeNumber(value: string | string[] | undefined, absent: number, name: string): number {
  if (value === undefined) return absent;
  if (typeof value !== 'string' || !/^\d{1,9}$/.test(value)) {
    throw new S3rverError('InvalidArgument', `${name} must be a whole number`);
  }
  return Number(value);
}

function xmlText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
