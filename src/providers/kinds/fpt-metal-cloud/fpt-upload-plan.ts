import { isPlainObject } from '../shared/payload-values';

/**
 * The pure half of FPT's upload: reading the presigned part URLs FPT hands
 * out, cutting the file into parts to match them, and the checkpoint state
 * that lets a resumed job reuse the same provider multipart upload.
 *
 * The seed's getPresignedUrls takes only the image's sha256 and answers a bare
 * list of URLs: no part size, no upload id, no expiry. So:
 *   - the part count is the number of URLs (FPT chose it from the registered
 *     size), and the file is cut into that many equal parts, `ceil(size / n)`
 *     bytes, the last shorter (docs/providers.md, "Choices where the seed is silent");
 *   - the upload handle is S3's own `uploadId` query parameter of the URLs,
 *     the same in every URL of one multipart upload;
 *   - the expiry is S3's `X-Amz-Date` + `X-Amz-Expires` (SigV4 query auth).
 */

export interface FptPartLayout {
  sizeBytes: number;
  partCount: number;
  partSize: number;
}

export interface FptPartRange {
  start: number;
  /** Inclusive, as ImageBytesSource.open takes it. */
  end: number;
  size: number;
}

/** One answer of getPresignedUrls, read. */
export interface FptPresignedBatch {
  /** S3's uploadId of the URLs; their object URL when a URL carries none. */
  uploadId: string;
  /** urls[i] is part i + 1. */
  urls: string[];
  /** When the first of the URLs expires (ms since the epoch); null when they do not say. */
  expiresAt: number | null;
}

/** Equal parts, one per presigned URL; null when that many URLs cannot each get at least one byte. */
export function layoutFor(sizeBytes: number, urlCount: number): FptPartLayout | null {
  if (!Number.isSafeInteger(sizeBytes) || sizeBytes < 1 || urlCount < 1) return null;
  const partSize = Math.ceil(sizeBytes / urlCount);
  if ((urlCount - 1) * partSize >= sizeBytes) return null;
  return { sizeBytes, partCount: urlCount, partSize };
}

export function partRange(layout: FptPartLayout, partNumber: number): FptPartRange {
  const start = (partNumber - 1) * layout.partSize;
  const end = Math.min(start + layout.partSize, layout.sizeBytes) - 1;
  return { start, end, size: end - start + 1 };
}

/** null when the answer is not a non-empty list of absolute http(s) URLs of one upload. */
export function readPresignedBatch(body: unknown): FptPresignedBatch | null {
  const data = isPlainObject(body) ? body.data : undefined;
  if (!Array.isArray(data) || data.length === 0) return null;
  const urls: URL[] = [];
  for (const item of data) {
    if (typeof item !== 'string') return null;
    const url = parseHttpUrl(item);
    if (url === null) return null;
    urls.push(url);
  }
  const ids = new Set(urls.map(uploadIdOf));
  if (ids.size !== 1) return null;
  const expiries = urls.map(expiryOf);
  return {
    uploadId: [...ids][0],
    urls: data as string[],
    expiresAt: expiries.some((at) => at === null) ? null : Math.min(...(expiries as number[])),
  };
}

/** What uploadImage keeps in the job's checkpoint, besides the finished parts. */
export interface FptUploadState {
  format: typeof FPT_UPLOAD_STATE_FORMAT;
  /** The provider multipart upload the recorded parts belong to. */
  uploadId: string;
  partCount: number;
  partSize: number;
  /** When the last URLs handed out expire (ISO 8601); informational, URLs are asked for again on resume. */
  urlsExpireAt: string | null;
  /**
   * Parts recorded for an earlier multipart upload (or another part layout),
   * by number, with the ETag recorded then: the checkpoint cannot forget parts,
   * so a recorded part counts only when its ETag is not the one listed here.
   * A part is dropped from this list once it has been sent again.
   */
  staleParts: Record<string, string>;
  /**
   * What the upload registered, from the broker's side: the abort registers the
   * image again with them. FPT's custom-image list is not documented to carry
   * an image's size or sha256 (seed 000), so they are kept here. Null in a
   * checkpoint an earlier version wrote.
   */
  sha256: string | null;
  sizeBytes: number | null;
  /**
   * When completeImageUpload was sent (ISO 8601), and when FPT answered it 200.
   * The list is not documented to carry a status either, so a resumed run or
   * an abort knows from these whether the bytes may already be in FPT's image
   * repository. A complete sent but not answered is one whose outcome is unknown.
   */
  completeSentAt: string | null;
  completedAt: string | null;
}

export const FPT_UPLOAD_STATE_FORMAT = 'fpt-presigned-multipart/1';

export function parseUploadState(raw: Record<string, unknown> | null): FptUploadState | null {
  if (!raw || raw.format !== FPT_UPLOAD_STATE_FORMAT) return null;
  const { uploadId, partCount, partSize, urlsExpireAt, staleParts, sha256, sizeBytes, completeSentAt, completedAt } =
    raw;
  if (typeof uploadId !== 'string' || !isCount(partCount) || !isCount(partSize)) return null;
  const stale: Record<string, string> = {};
  if (isPlainObject(staleParts)) {
    for (const [part, etag] of Object.entries(staleParts)) if (typeof etag === 'string') stale[part] = etag;
  }
  return {
    format: FPT_UPLOAD_STATE_FORMAT,
    uploadId,
    partCount,
    partSize,
    urlsExpireAt: typeof urlsExpireAt === 'string' ? urlsExpireAt : null,
    staleParts: stale,
    sha256: typeof sha256 === 'string' && /^[0-9a-f]{64}$/.test(sha256) ? sha256 : null,
    sizeBytes: isCount(sizeBytes) ? sizeBytes : null,
    completeSentAt: typeof completeSentAt === 'string' ? completeSentAt : null,
    completedAt: typeof completedAt === 'string' ? completedAt : null,
  };
}

/** The recorded parts that count for this state: not the stale ones, and within its part count. */
export function livePartsOf(state: FptUploadState, recorded: ReadonlyMap<number, string>): Map<number, string> {
  const done = new Map<number, string>();
  for (const [partNumber, etag] of recorded) {
    if (partNumber < 1 || partNumber > state.partCount || state.staleParts[partNumber] === etag) continue;
    done.set(partNumber, etag);
  }
  return done;
}

/**
 * The state for this run and the parts already done. Recorded parts are
 * trusted only for the upload and layout they were recorded under: when FPT
 * answers another upload (the old one expired or was aborted) or another part
 * count, every part recorded so far is stale and is sent again.
 */
export function reconcile(
  saved: FptUploadState | null,
  batch: FptPresignedBatch,
  layout: FptPartLayout,
  recorded: ReadonlyMap<number, string>,
  sha256: string | null = saved?.sha256 ?? null,
): { state: FptUploadState; done: Map<number, string> } {
  const sameUpload =
    saved !== null &&
    saved.uploadId === batch.uploadId &&
    saved.partCount === layout.partCount &&
    saved.partSize === layout.partSize;
  const staleParts = sameUpload ? { ...saved.staleParts } : Object.fromEntries([...recorded].map(([n, e]) => [n, e]));
  const done = new Map<number, string>();
  for (const [partNumber, etag] of recorded) {
    if (partNumber < 1 || partNumber > layout.partCount || staleParts[partNumber] === etag) continue;
    done.set(partNumber, etag);
  }
  return {
    state: {
      format: FPT_UPLOAD_STATE_FORMAT,
      uploadId: batch.uploadId,
      partCount: layout.partCount,
      partSize: layout.partSize,
      urlsExpireAt: isoOrNull(batch.expiresAt),
      staleParts,
      sha256,
      sizeBytes: layout.sizeBytes,
      // FPT handed out URLs for this upload, so no complete of it has gone through.
      completeSentAt: null,
      completedAt: null,
    },
    done,
  };
}

export function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

function parseHttpUrl(text: string): URL | null {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : null;
  } catch {
    return null;
  }
}

function uploadIdOf(url: URL): string {
  return url.searchParams.get('uploadId') ?? `${url.origin}${url.pathname}`;
}

/** SigV4 query auth: signed at X-Amz-Date (`20250115T083012Z`), valid X-Amz-Expires seconds. */
function expiryOf(url: URL): number | null {
  const date = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(url.searchParams.get('X-Amz-Date') ?? '');
  const expires = url.searchParams.get('X-Amz-Expires');
  if (!date || expires === null || !/^\d+$/.test(expires)) return null;
  const signedAt = Date.UTC(+date[1], +date[2] - 1, +date[3], +date[4], +date[5], +date[6]);
  return signedAt + Number(expires) * 1000;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}
