import { Readable } from 'node:stream';
import { type BreakerSettings, ConnectionPolicy, type FailureClassifier } from './connection-policy';
import type { ConcurrencyLimiter } from './concurrency-limiter';
import type { ProviderCallObserver } from './provider-call-observer';
import { sendStreamedBody } from './streamed-upload';
import {
  ProviderAuthError,
  type ProviderError,
  ProviderNotFoundError,
  ProviderProtocolError,
  ProviderRejectedError,
  ProviderUnavailableError,
} from '../errors/provider.errors';
import { BrokerError } from '../errors/broker-error';
import { extractProviderMessage } from './provider-error-message';
import { isIdempotentMethod, isRetryableStatus, isTransientNetworkError, parseRetryAfter } from './retry-policy';

/**
 * Where the client gets its auth headers from. After a 401 the client calls
 * `invalidate()` and asks `headers()` again, once, so token sources can refresh.
 */
export interface AuthHeaderSource {
  headers(): Promise<Record<string, string>>;
  invalidate(): void;
}

export interface ProviderHttpClientOptions {
  /** Connection name; used in error messages. */
  provider: string;
  /** Endpoint root; may carry a path prefix (https://host/image). */
  baseUrl: string;
  /** Per attempt, including reading the body. */
  timeoutMs?: number;
  /** The connection's policy (retries, breaker, limits); built from the tuning below when absent. */
  policy?: ConnectionPolicy;
  /** Retries after the first attempt (for the policy built here). */
  maxRetries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Injected by tests to pin the jitter; a value in [0, 1). */
  random?: () => number;
  /** Injected by tests to record or skip backoff waits (for the policy built here). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Fails calls at once while the provider is judged down (for the policy built here). */
  breaker?: BreakerSettings;
  /** Bounds the calls in flight to the provider, shared by every replica (for the policy built here). */
  limiter?: ConcurrencyLimiter;
  authenticate?: AuthHeaderSource;
  /** Told of every attempt, for metrics. */
  observer?: ProviderCallObserver;
}

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';
export type QueryValue = string | number | boolean | null | undefined | readonly (string | number | boolean)[];
export type RequestBody = NonNullable<RequestInit['body']>;

export interface ProviderRequest {
  method: HttpMethod;
  /** Absolute URL, or a path under baseUrl (Glance `next` links like `/v2/images?marker=…`). */
  path: string;
  /** Appended to any query already in `path`; null/undefined entries are skipped, arrays repeat the key. */
  query?: Readonly<Record<string, QueryValue>>;
  headers?: Readonly<Record<string, string>>;
  /** Serialised as the body with `Content-Type: application/json` (a `headers` entry may override the type). */
  json?: unknown;
  /** Raw body; a stream is sent once and never retried. */
  body?: RequestBody;
  /**
   * A streamed body opened afresh for each attempt (a ranged read of a staged
   * file), so unlike `body` the request may be retried. `retryNumber` is 0 for
   * the first attempt. The client ends each stream after its attempt.
   */
  openBody?: (retryNumber: number) => Promise<RequestBody>;
  /** Statuses that are answers rather than errors, besides any 2xx (e.g. [404] for a lookup). */
  expectedStatus?: readonly number[];
  /** Allow retrying POST/PATCH, for calls the caller knows are safe to repeat (e.g. token requests). */
  retryNonIdempotent?: boolean;
  /**
   * Overrides the connection's per-attempt timeout; null for none, when a
   * transfer of many GiB is bounded by the caller's own signal instead.
   */
  timeoutMs?: number | null;
  signal?: AbortSignal;
}

/** An answer whose body is left unread, to be streamed by the caller. */
export interface ProviderStreamResponse {
  status: number;
  headers: Headers;
  body: Readable;
}

export interface ProviderResponse<T> {
  status: number;
  headers: Headers;
  /** Parsed JSON when the provider said the content is JSON; undefined otherwise or when empty. */
  body: T | undefined;
  text: string;
}

interface RawResponse {
  status: number;
  statusText: string;
  headers: Headers;
  text: string;
  /** Set in stream mode when the status was expected: the unread body. */
  stream?: Readable;
  /** An unexpected status worth another attempt (429, most 5xx). */
  retryable: boolean;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * The one outbound HTTP path of every provider adapter: timeouts, the
 * connection's policy (retries, breaker, limits), re-authentication after a
 * 401, and the mapping of failures onto the port's typed errors. Nothing here
 * logs; error messages carry the method, path and the provider's own reason,
 * never headers or credentials.
 */
export class ProviderHttpClient {
  /** How a connection policy reads this client's attempts: thrown network failures and unexpected answers. */
  static readonly attemptFailures: FailureClassifier = {
    isTransientError: isNetworkFailure,
    isTransientAnswer: (raw) => (raw as RawResponse).retryable,
    retryAfterMs: (raw) => parseRetryAfter((raw as RawResponse).headers.get('retry-after')),
  };

  private readonly provider: string;
  private readonly baseUrl: URL;
  private readonly timeoutMs: number;
  private readonly policy: ConnectionPolicy;
  private readonly auth: AuthHeaderSource | undefined;
  private readonly observer: ProviderCallObserver | undefined;

  constructor(options: ProviderHttpClientOptions) {
    this.provider = options.provider;
    this.baseUrl = new URL(options.baseUrl);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.policy =
      options.policy ??
      new ConnectionPolicy(
        {
          provider: options.provider,
          maxRetries: options.maxRetries,
          baseDelayMs: options.baseDelayMs,
          maxDelayMs: options.maxDelayMs,
          random: options.random,
          sleep: options.sleep,
          breaker: options.breaker,
          sharedLimiter: options.limiter,
        },
        ProviderHttpClient.attemptFailures,
      );
    this.auth = options.authenticate;
    this.observer = options.observer;
  }

  async request<T = unknown>(request: ProviderRequest): Promise<ProviderResponse<T>> {
    const raw = await this.send(request, false);
    const target = `${request.method} ${this.resolveUrl(request.path, request.query).pathname}`;
    return { status: raw.status, headers: raw.headers, text: raw.text, body: this.parseBody<T>(raw, target) };
  }

  /**
   * Like request(), but an expected answer's body is handed over unread (image
   * downloads). Retries and the timeout cover the wait for the headers only.
   */
  async openStream(request: ProviderRequest): Promise<ProviderStreamResponse> {
    const raw = await this.send(request, true);
    return { status: raw.status, headers: raw.headers, body: raw.stream ?? Readable.from([]) };
  }

  private async send(request: ProviderRequest, stream: boolean): Promise<RawResponse> {
    const url = this.resolveUrl(request.path, request.query);
    // Path only: queries hold markers and filters that bloat messages and are where secrets would hide.
    const target = `${request.method} ${url.pathname}`;
    const replayable = request.openBody !== undefined || !isStreamingBody(request.body);
    const mayRetry = replayable && (request.retryNonIdempotent === true || isIdempotentMethod(request.method));
    // Credentials go only to the connection's own origin, never to an absolute URL elsewhere.
    const auth = url.origin === this.baseUrl.origin ? this.auth : undefined;

    for (let reauthenticated = false; ; reauthenticated = true) {
      request.signal?.throwIfAborted();
      const authHeaders = auth ? await auth.headers() : {};
      let raw: RawResponse;
      let opened: RequestBody | undefined;
      const openBody = request.openBody;
      try {
        raw = await this.policy.execute(
          async () => {
            const body = openBody ? opened : request.body;
            try {
              return await this.observedAttempt(request, url, authHeaders, stream, body);
            } finally {
              // Opened for this attempt only: a failed send may leave its source open (a staging connection).
              if (openBody) endBody(body);
            }
          },
          {
            replayable: mayRetry,
            target,
            signal: request.signal,
            beforeAttempt: openBody && (async (retryNumber) => void (opened = await openBody(retryNumber))),
          },
        );
      } catch (error) {
        if (request.signal?.aborted) throw request.signal.reason;
        if (!isNetworkFailure(error)) throw error;
        throw new ProviderUnavailableError(this.provider, `${target} failed: ${this.describeNetworkError(error)}`);
      } finally {
        // A body opened for an attempt the breaker or the limits then refused.
        endBody(opened);
      }

      if (isExpected(raw.status, request.expectedStatus)) return raw;
      if (raw.status === 401 && auth && replayable && !reauthenticated) {
        auth.invalidate();
        continue;
      }
      throw this.statusError(raw, target, Object.values(authHeaders));
    }
  }

  /** One attempt, its outcome told to the observer. */
  private async observedAttempt(
    request: ProviderRequest,
    url: URL,
    authHeaders: Record<string, string>,
    stream: boolean,
    body: RequestBody | undefined,
  ): Promise<RawResponse> {
    const started = performance.now();
    const observe = (status: number | undefined, error: string | undefined) =>
      this.observer?.observeProviderCall({
        provider: this.provider,
        method: request.method,
        path: url.pathname,
        status,
        error,
        durationMs: performance.now() - started,
      });
    try {
      const raw = await this.attempt(request, url, authHeaders, stream, body);
      observe(raw.status, isExpected(raw.status, request.expectedStatus) ? undefined : `http_${raw.status}`);
      return raw;
    } catch (error) {
      if (!request.signal?.aborted) observe(undefined, error instanceof TimeoutError ? 'timeout' : 'network');
      throw error;
    }
  }

  private async attempt(
    request: ProviderRequest,
    url: URL,
    authHeaders: Record<string, string>,
    stream: boolean,
    requestBody: RequestBody | undefined,
  ): Promise<RawResponse> {
    const headers = new Headers({ accept: 'application/json' });
    let body = requestBody;
    if (request.json !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(request.json);
    }
    for (const [name, value] of Object.entries(request.headers ?? {})) headers.set(name, value);
    for (const [name, value] of Object.entries(authHeaders)) headers.set(name, value);

    const timeoutMs = request.timeoutMs === undefined ? this.timeoutMs : request.timeoutMs;
    const timeout = new AbortController();
    const timer =
      timeoutMs === null ? undefined : setTimeout(() => timeout.abort(new TimeoutError(timeoutMs)), timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout.signal]) : timeout.signal;
    const init: RequestInit = { method: request.method, headers, body, signal };
    const answer = (meta: Omit<RawResponse, 'retryable' | 'text'>, text: string, rest: Partial<RawResponse> = {}) => ({
      ...meta,
      text,
      ...rest,
      retryable: !isExpected(meta.status, request.expectedStatus) && isRetryableStatus(meta.status),
    });

    try {
      if (isStreamingBody(body)) {
        const sent = await sendStreamedBody(url, request.method, headers, body as AsyncIterable<Uint8Array>, signal);
        return answer(sent, sent.text);
      }
      const response = await fetch(url, init);
      const meta = { status: response.status, statusText: response.statusText, headers: response.headers };
      if (stream && isExpected(response.status, request.expectedStatus) && response.body) {
        clearTimeout(timer);
        return answer(meta, '', {
          stream: Readable.fromWeb(response.body as import('node:stream/web').ReadableStream),
        });
      }
      // Read inside the same timeout so a provider that stalls mid-body also times out.
      return answer(meta, await response.text());
    } finally {
      clearTimeout(timer);
    }
  }

  private resolveUrl(path: string, query: ProviderRequest['query']): URL {
    const url = /^https?:\/\//i.test(path) ? new URL(path) : new URL(joinUnderPrefix(this.baseUrl, path));
    for (const [key, value] of Object.entries(query ?? {})) {
      for (const item of asList(value)) url.searchParams.append(key, String(item));
    }
    return url;
  }

  private parseBody<T>(raw: RawResponse, target: string): T | undefined {
    if (raw.text === '' || !isJsonContentType(raw.headers.get('content-type'))) return undefined;
    try {
      return JSON.parse(raw.text) as T;
    } catch {
      throw new ProviderProtocolError(
        this.provider,
        `Provider '${this.provider}' answered ${target} with malformed JSON`,
        raw.status,
      );
    }
  }

  private statusError(raw: RawResponse, target: string, secrets: string[]): ProviderError {
    const reason = extractProviderMessage(parseLeniently(raw.text));
    const status = `${raw.status}${raw.statusText ? ` ${raw.statusText}` : ''}`;
    const message = redact(
      `Provider '${this.provider}' answered ${status} to ${target}${reason ? `: ${reason}` : ''}`,
      secrets,
    );
    if (raw.status === 401 || raw.status === 403) return new ProviderAuthError(this.provider, message, raw.status);
    if (raw.status === 404) return new ProviderNotFoundError(this.provider, message, raw.status);
    if (raw.status === 429 || raw.status >= 500)
      return new ProviderUnavailableError(this.provider, message, raw.status);
    if (raw.status >= 400) return new ProviderRejectedError(this.provider, message, raw.status);
    // 1xx/3xx the caller did not expect: we cannot interpret it.
    return new ProviderProtocolError(this.provider, message, raw.status);
  }

  private describeNetworkError(error: unknown): string {
    if (hasName(error, 'TimeoutError')) return `timed out after ${this.timeoutMs} ms`;
    const causes: string[] = [];
    for (let current: unknown = error; current instanceof Error && causes.length < 4; current = current.cause) {
      const code = (current as { code?: unknown }).code;
      causes.push(typeof code === 'string' ? `${current.message} (${code})` : current.message);
    }
    return causes.length > 0 ? causes.join(': ') : String(error);
  }
}

/**
 * Joins a provider path under the base URL's own path prefix. Paths that already
 * carry the prefix (some deployments echo it in `next` links) are not doubled.
 */
function joinUnderPrefix(base: URL, path: string): string {
  const split = path.search(/[?#]/);
  const pathname = `/${(split === -1 ? path : path.slice(0, split)).replace(/^\/+/, '')}`;
  const rest = split === -1 ? '' : path.slice(split);
  const prefix = base.pathname.replace(/\/+$/, '');
  const alreadyPrefixed = prefix !== '' && (pathname === prefix || pathname.startsWith(`${prefix}/`));
  return `${base.origin}${alreadyPrefixed ? '' : prefix}${pathname}${rest}`;
}

function asList(value: QueryValue): readonly (string | number | boolean)[] {
  if (value === null || value === undefined) return [];
  return typeof value === 'object' ? value : [value];
}

function isExpected(status: number, expected: readonly number[] | undefined): boolean {
  return (status >= 200 && status < 300) || (expected?.includes(status) ?? false);
}

function isJsonContentType(contentType: string | null): boolean {
  return contentType !== null && /[/+]json\b/i.test(contentType);
}

function isStreamingBody(body: RequestInit['body'] | undefined): boolean {
  return typeof body === 'object' && body !== null && Symbol.asyncIterator in body;
}

/**
 * A failure of the connection itself. A body opened per attempt may call the
 * provider first (Glance asks whether the image still takes data): that
 * call's own typed error, already retried, is no network failure of this one.
 */
function isNetworkFailure(error: unknown): boolean {
  return !(error instanceof BrokerError) && isTransientNetworkError(error);
}

/** Ends a stream opened for one attempt; a no-op once it has ended, and for other bodies. */
function endBody(body: RequestBody | undefined): void {
  (body as { destroy?: () => void } | undefined)?.destroy?.();
}

/** Error bodies are often JSON whatever their content-type says. */
function parseLeniently(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.parse(trimmed);
    } catch {
      // fall through to the text form
    }
  }
  return text;
}

/** Defence in depth: a provider echoing our token back must not put it in an error message. */
function redact(message: string, secrets: string[]): string {
  return secrets
    .filter((secret) => secret.length >= 8)
    .reduce((text, secret) => text.split(secret).join('[redacted]'), message);
}

function hasName(error: unknown, name: string): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === name;
}

/** Raised when an attempt outlives its timeout; the retry policy treats it like a dropped connection. */
class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
  constructor(ms: number) {
    super(`timed out after ${ms} ms`);
  }
}
