import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';

/** Hex SHA-256 of a stream, read chunk by chunk: image files are far too big to buffer. */
export async function sha256OfStream(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
