import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface PutAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  /** The answer's body as text (at most 1 MiB is kept: these answers are small). */
  text: string;
}

// Kept-alive sockets: the parts of an upload reuse a few connections.
const agents = { 'http:': new HttpAgent({ keepAlive: true }), 'https:': new HttpsAgent({ keepAlive: true }) };

/**
 * A PUT of bytes with node:http. Written by hand because Node 20's fetch
 * (undici) reads a streamed request body ahead of the socket: a 1 GiB upload
 * to a broker slower than the disk held most of the file in memory (bench
 * cli: 1.1 GiB RSS), and it copies a Buffer body. Here the body goes through
 * pipeline(), so the file is read only as fast as the socket drains.
 */
export function httpPut(
  url: string,
  body: Readable | Buffer,
  headers: Record<string, string>,
  signal?: AbortSignal,
): Promise<PutAnswer> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<PutAnswer>((resolve, reject) => {
    const request = send(target, {
      method: 'PUT',
      headers,
      agent: agents[target.protocol as 'http:' | 'https:'],
      signal,
    });
    request.once('error', reject);
    request.once('response', (response) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      response.on('data', (chunk: Buffer) => {
        if (kept < 1024 * 1024) chunks.push(chunk);
        kept += chunk.length;
      });
      response.once('error', reject);
      response.once('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    if (Buffer.isBuffer(body)) request.end(body);
    // The answer may come before the whole body was sent (a refusal): then the pipeline's error is not the news.
    else pipeline(body, request).catch((error: unknown) => request.destroy(error as Error));
  });
}
