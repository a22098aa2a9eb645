import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface ReceivedImageData {
  size: number;
  md5: string;
  sha512: string;
}

export class UploadTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`Denying attempt to upload image larger than ${limitBytes} bytes.`);
  }
}

export class UploadAbortedError extends Error {
  constructor() {
    super('client went away during the upload');
  }
}

/**
 * Streams an upload to `targetPath` while hashing it, with constant memory.
 * The source is piped rather than pipelined: when the upload is too large we
 * must stop reading without destroying the request, or the socket dies before
 * the 413 can be written.
 */
export async function receiveImageData(
  source: Readable,
  targetPath: string,
  maxBytes?: number,
): Promise<ReceivedImageData> {
  const md5 = createHash('md5');
  const sha512 = createHash('sha512');
  let size = 0;

  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (maxBytes !== undefined && size > maxBytes) {
        callback(new UploadTooLargeError(maxBytes));
        return;
      }
      md5.update(chunk);
      sha512.update(chunk);
      callback(null, chunk);
    },
  });

  const onSourceClose = () => {
    if (!source.readableEnded) meter.destroy(new UploadAbortedError());
  };
  const onSourceError = () => meter.destroy(new UploadAbortedError());
  source.once('close', onSourceClose);
  source.once('error', onSourceError);
  source.pipe(meter);
  try {
    await pipeline(meter, createWriteStream(targetPath));
  } finally {
    source.off('close', onSourceClose);
    source.off('error', onSourceError);
    source.unpipe(meter);
  }
  return { size, md5: md5.digest('hex'), sha512: sha512.digest('hex') };
}
