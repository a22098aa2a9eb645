import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { ResolvedTarget } from '../uploads/import/import-url.guard';
import { scrubbedResponse } from './scrubbed-response';

/** Bytes of a receiver's answer read at most; the rest is discarded. */
const READ_LIMIT = 4 * 1024;

export interface SendOutcome {
  /** The receiver's status, or null when none came (refused, timed out). */
  statusCode: number | null;
  error: string | null;
  response: string | null;
  durationMs: number;
}

/**
 * POSTs one signed delivery to the address the URL guard approved (pinned:
 * DNS answering otherwise since the check changes nothing), follows no
 * redirect, gives up after `timeoutMs` in all, and keeps only the scrubbed
 * start of the answer. A 2xx is delivered; anything else is a failed attempt.
 */
export async function sendWebhook(
  url: URL,
  target: ResolvedTarget,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<SendOutcome> {
  const started = Date.now();
  const pinned: LookupFunction = (_host, options, callback) => {
    if ((options as { all?: boolean }).all) {
      (callback as unknown as (e: null, a: ResolvedTarget[]) => void)(null, [target]);
    } else {
      callback(null, target.address, target.family);
    }
  };
  return new Promise<SendOutcome>((resolve) => {
    const signal = AbortSignal.timeout(timeoutMs);
    const finish = (statusCode: number | null, error: string | null, response: string | null) =>
      resolve({ statusCode, error, response, durationMs: Date.now() - started });
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, {
      method: 'POST',
      lookup: pinned,
      signal,
      headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    request.once('response', (response) => {
      const chunks: Buffer[] = [];
      let read = 0;
      response.on('data', (chunk: Buffer) => {
        if (read < READ_LIMIT) chunks.push(chunk.subarray(0, READ_LIMIT - read));
        read += chunk.length;
        if (read >= READ_LIMIT) response.destroy();
      });
      const done = () => {
        const status = response.statusCode ?? null;
        const ok = status !== null && status >= 200 && status < 300;
        finish(status, ok ? null : `answered ${status}`, scrubbedResponse(Buffer.concat(chunks)));
      };
      response.once('end', done);
      response.once('close', done);
      response.once('error', () => undefined);
    });
    request.once('error', (error) =>
      finish(null, signal.aborted ? `no answer within ${timeoutMs} ms` : describe(error), null),
    );
    request.end(body);
  });
}

function describe(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code ? `${code}: ${error.message}` : error.message;
}
