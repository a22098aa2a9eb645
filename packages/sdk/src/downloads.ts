import { Readable } from 'node:stream';
import { pathOf, type BrokerTransport } from './client';

export interface DownloadOptions {
  /** Bytes from `start` to `end` inclusive (end absent: to the end of the file). */
  range?: { start: number; end?: number };
  signal?: AbortSignal;
}

export interface Download {
  /** 200 for the whole file, 206 for a range. */
  status: number;
  /** The bytes, as a stream: nothing is held in memory beyond its buffers. */
  stream: Readable;
  /** Bytes this answer carries, when the broker knows. */
  contentLength: number | null;
  /** The whole file's size, when known (from Content-Range, or Content-Length of a 200). */
  totalBytes: number | null;
  contentRange: string | null;
}

/** GET …/file as a stream, with a single byte range when asked. */
export async function downloadImageFile(
  transport: BrokerTransport,
  imageId: string,
  options: DownloadOptions = {},
): Promise<Download> {
  const headers: Record<string, string> = {};
  if (options.range) headers.range = `bytes=${options.range.start}-${options.range.end ?? ''}`;
  const response = await transport.send(pathOf('/v1/images/{id}/file', { id: imageId }), {
    method: 'GET',
    headers,
    signal: options.signal,
  });
  const length = response.headers.get('content-length');
  const contentLength = length === null ? null : Number(length);
  const contentRange = response.headers.get('content-range');
  const total = contentRange ? /\/(\d+)$/.exec(contentRange)?.[1] : undefined;
  return {
    status: response.status,
    stream: response.body
      ? Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>)
      : Readable.from([]),
    contentLength,
    totalBytes: total !== undefined ? Number(total) : response.status === 200 ? contentLength : null,
    contentRange,
  };
}
