import { Readable } from 'node:stream';
import { setTimeout as sleepFor } from 'node:timers/promises';
import type { CircuitBreaker } from './circuit-breaker';
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
import { extractProviderMessage } from './provider-error-message';
import {
  isIdempotentMethod,
  isRetryableStatus,
  isTransientNetworkError,
  parseRetryAfter,
  retryDelay,
} from './retry-policy';

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
  /** Retries after the first attempt. */
  maxRetries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  authenticate?: AuthHeaderSource;
  /** Injected by tests to record or skip backoff waits. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Fails calls at once while the provider is judged down (one breaker per connection). */
  breaker?: CircuitBreaker;
  /** Bounds the calls in flight to the provider (shared by every replica when Redis-backed). */
  limiter?: ConcurrencyLimiter;
  /** Injected by tests to pin the jitter; a value in [0, 1). */
  random?: () => number;
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
}

const DEFAULTS = { timeoutMs: 30_000, maxRetries: 4, baseDelayMs: 200, maxDelayMs: 10_000 } as const;

/**
 * The one outbound HTTP path of every provider adapter: timeouts, retries with
 * jittered backoff, re-authentication after a 401, and the mapping of failures
 * onto the port's typed errors. Nothing here logs; error messages carry the
 * method, path and the provider's own reason, never headers or credentials.
 */
export class ProviderHttpClient {
  private readonly provider: string;
  private readonly baseUrl: URL;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly backoff: { baseDelayMs: number; maxDelayMs: number; random: () => number };
  private readonly auth: AuthHeaderSource | undefined;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly breaker: CircuitBreaker | undefined;
  private readonly limiter: ConcurrencyLimiter | undefined;
  private readonly observer: ProviderCallObserver | undefined;

  constructor(options: ProviderHttpClientOptions) {
    this.provider = options.provider;
    this.baseUrl = new URL(options.baseUrl);
    this.timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
    this.maxRetries = options.maxRetries ?? DEFAULTS.maxRetries;
    this.backoff = {
      baseDelayMs: options.baseDelayMs ?? DEFAULTS.baseDelayMs,
      maxDelayMs: options.maxDelayMs ?? DEFAULTS.maxDelayMs,
      random: options.random ?? Math.random,
    };
    this.auth = options.authenticate;
    this.sleep = options.sleep ?? ((ms, signal) => sleepFor(ms, undefined, { signal }));
    this.breaker = options.breaker;
    this.limiter = options.limiter;
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
    const replayable = !isStreamingBody(request.body);
    const mayRetry = replayable && (request.retryNonIdempotent === true || isIdempotentMethod(request.method));
    // Credentials go only to the connection's own origin, never to an absolute URL elsewhere.
    const auth = url.origin === this.baseUrl.origin ? this.auth : undefined;
    let retries = 0;
    let reauthenticated = false;

    for (;;) {
      request.signal?.throwIfAborted();
      const authHeaders = auth ? await auth.headers() : {};
      let raw: RawResponse;
      try {
        raw = await this.guardedAttempt(request, url, authHeaders, target, stream);
      } catch (error) {
        if (request.signal?.aborted) throw request.signal.reason;
        if (!isTransientNetworkError(error)) throw error;
        if (mayRetry && retries < this.maxRetries) {
          await this.pause(retryDelay(retries++, null, this.backoff), request.signal);
          continue;
        }
        throw new ProviderUnavailableError(this.provider, `${target} failed: ${this.describeNetworkError(error)}`);
      }

      if (isExpected(raw.status, request.expectedStatus)) return raw;
      if (raw.status === 401 && auth && replayable && !reauthenticated) {
        reauthenticated = true;
        auth.invalidate();
        continue;
      }
      if (isRetryableStatus(raw.status) && mayRetry && retries < this.maxRetries) {
        const retryAfter = parseRetryAfter(raw.headers.get('retry-after'));
        await this.pause(retryDelay(retries++, retryAfter, this.backoff), request.signal);
        continue;
      }
      throw this.statusError(raw, target, Object.values(authHeaders));
    }
  }

  /** One attempt under the breaker and the concurrency limit, its outcome recorded. */
  private async guardedAttempt(
    request: ProviderRequest,
    url: URL,
    authHeaders: Record<string, string>,
    target: string,
    stream: boolean,
  ): Promise<RawResponse> {
    const refusal = this.breaker?.refusalMs() ?? 0;
    if (refusal > 0) {
      throw new ProviderUnavailableError(
        this.provider,
        `${target} not sent: ${this.provider} failed most recent calls (circuit open); next trial in ${Math.ceil(refusal / 1000)} s`,
      );
    }
    let release: (() => void) | undefined;
    if (this.limiter) {
      try {
        release = await this.limiter.acquire(request.signal);
      } catch (error) {
        if (request.signal?.aborted) throw request.signal.reason;
        throw new ProviderUnavailableError(this.provider, `${target} not sent: ${(error as Error).message}`);
      }
    }
    this.breaker?.begin();
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
      const raw = await this.attempt(request, url, authHeaders, stream);
      this.breaker?.record(!isRetryableStatus(raw.status));
      observe(raw.status, isExpected(raw.status, request.expectedStatus) ? undefined : `http_${raw.status}`);
      return raw;
    } catch (error) {
      if (!request.signal?.aborted) {
        this.breaker?.record(!isTransientNetworkError(error));
        observe(undefined, error instanceof TimeoutError ? 'timeout' : 'network');
      }
      throw error;
    } finally {
      release?.();
    }
  }

  private async attempt(
    request: ProviderRequest,
    url: URL,
    authHeaders: Record<string, string>,
    stream: boolean,
  ): Promise<RawResponse> {
    const headers = new Headers({ accept: 'application/json' });
    let body = request.body;
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

    try {
      if (isStreamingBody(body)) {
        return await sendStreamedBody(url, request.method, headers, body as AsyncIterable<Uint8Array>, signal);
      }
      const response = await fetch(url, init);
      const meta = { status: response.status, statusText: response.statusText, headers: response.headers };
      if (stream && isExpected(response.status, request.expectedStatus) && response.body) {
        clearTimeout(timer);
        return {
          ...meta,
          text: '',
          stream: Readable.fromWeb(response.body as import('node:stream/web').ReadableStream),
        };
      }
      // Read inside the same timeout so a provider that stalls mid-body also times out.
      return { ...meta, text: await response.text() };
    } finally {
      clearTimeout(timer);
    }
  }

  private async pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
    try {
      await this.sleep(ms, signal);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw error;
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
