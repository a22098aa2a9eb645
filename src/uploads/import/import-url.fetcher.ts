import type { LookupFunction } from 'node:net';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { PermanentJobError, TransientJobError } from '../../jobs/job-handler';
import type { ImportUrlGuard } from './import-url.guard';

export interface FetchedSource {
  body: IncomingMessage;
  /** The Content-Length the source declared, if any. */
  contentLength: number | null;
  finalUrl: string;
}

export interface FetchLimits {
  maxRedirects: number;
  /** To the response headers, and then between two chunks of the body. */
  idleTimeoutMs: number;
}

export const DEFAULT_FETCH_LIMITS: FetchLimits = { maxRedirects: 5, idleTimeoutMs: 30_000 };

/** A failure fetching the source that trying again later may fix (5xx, timeouts, dropped connections). */
export class SourceUnavailableError extends TransientJobError {
  constructor(message: string) {
    super('import_source_unavailable', message);
  }
}

/**
 * Opens an import URL: redirects followed by hand (each hop checked by the
 * guard and pinned to the address it approved), at most `maxRedirects` of
 * them, and an idle timeout on the connection and the body.
 */
export async function openImportUrl(
  url: string,
  guard: ImportUrlGuard,
  signal: AbortSignal,
  limits: FetchLimits = DEFAULT_FETCH_LIMITS,
): Promise<FetchedSource> {
  let current = new URL(url);
  for (let hop = 0; ; hop++) {
    const target = await guard.resolve(current);
    const response = await get(current, target, signal, limits.idleTimeoutMs);
    const status = response.statusCode ?? 0;
    if (status >= 300 && status < 400 && response.headers.location) {
      response.resume();
      if (hop >= limits.maxRedirects) {
        throw new PermanentJobError(
          'import_too_many_redirects',
          `${url} redirected more than ${limits.maxRedirects} times`,
        );
      }
      current = new URL(response.headers.location, current);
      continue;
    }
    if (status >= 200 && status < 300) {
      const length = response.headers['content-length'];
      return {
        body: response,
        contentLength: length === undefined ? null : Number(length),
        finalUrl: current.toString(),
      };
    }
    response.resume();
    const reason = `${current.toString()} answered ${status}`;
    if (status >= 500 || status === 429 || status === 408) throw new SourceUnavailableError(reason);
    throw new PermanentJobError(`import_source_http_${status}`, reason);
  }
}

function get(
  url: URL,
  target: { address: string; family: 4 | 6 },
  signal: AbortSignal,
  idleMs: number,
): Promise<IncomingMessage> {
  // Connect to the address the guard approved, whatever DNS says now.
  const pinned: LookupFunction = (_host, options, callback) => {
    if ((options as { all?: boolean }).all) {
      (callback as unknown as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [target]);
    } else {
      callback(null, target.address, target.family);
    }
  };
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, {
      method: 'GET',
      lookup: pinned,
      signal,
    });
    request.setTimeout(idleMs, () =>
      request.destroy(new SourceUnavailableError(`${url.toString()} stalled for ${idleMs} ms`)),
    );
    request.once('response', (response) => {
      response.setTimeout(idleMs, () =>
        response.destroy(new SourceUnavailableError(`${url.toString()} stalled mid-body`)),
      );
      resolve(response);
    });
    request.once('error', (error) =>
      reject(
        error instanceof SourceUnavailableError || signal.aborted
          ? error
          : new SourceUnavailableError(`${url.toString()}: ${error.message}`),
      ),
    );
    request.end();
  });
}
