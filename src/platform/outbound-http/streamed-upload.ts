import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface StreamedUploadAnswer {
  status: number;
  statusText: string;
  headers: Headers;
  text: string;
}

/**
 * Sends a streamed request body with node:http, which writes it under the
 * socket's backpressure. fetch (undici) reads a streamed body ahead of the
 * socket, so a multi-GiB upload to a fast peer would sit in memory; this keeps
 * an upload's memory at a few socket buffers whatever the file's size.
 */
export async function sendStreamedBody(
  url: URL,
  method: string,
  headers: Headers,
  body: AsyncIterable<Uint8Array>,
  signal: AbortSignal,
): Promise<StreamedUploadAnswer> {
  const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, {
    method,
    headers: Object.fromEntries(headers.entries()),
    signal,
  });
  const answered = new Promise<IncomingMessage>((resolve, reject) => {
    request.once('response', resolve);
    request.once('error', reject);
  });
  // The peer may answer (and close) before reading everything, e.g. a 409: its answer wins over the write error.
  const sent = pipeline(body instanceof Readable ? body : Readable.from(body), request).catch(
    (error: unknown) => error,
  );
  const response = await answered;
  let text = '';
  for await (const chunk of response) text += String(chunk);
  // A peer that refused early (5xx, 409…) may stop reading while keeping the connection: stop sending.
  if ((response.statusCode ?? 0) >= 300) request.destroy();
  const writeError = await sent;
  if (writeError && response.statusCode !== undefined && response.statusCode < 300) throw writeError;
  const answerHeaders = new Headers();
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined) answerHeaders.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return { status: response.statusCode ?? 0, statusText: response.statusMessage ?? '', headers: answerHeaders, text };
}
