import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './generated/openapi';
import { ImageBrokerError, parseRetryAfter, type Problem } from './errors';
import { httpPut } from './http-put';
import { retryingFetch, type RetryOptions } from './retrying-fetch';

export type Schemas = components['schemas'];
export type Job = Schemas['JobDto'];
export type Image = Schemas['ImageDto'];
export type ResolvedImage = Schemas['ResolvedImageDto'];

export interface ImageBrokerOptions {
  /** The broker's base URL, e.g. http://127.0.0.1:3000 */
  baseUrl: string;
  /** An API key secret (sent as a bearer token). */
  token?: string;
  retry?: RetryOptions;
  /** The transport; tests and proxies replace it. Default: the global fetch. */
  fetch?: (request: Request) => Promise<Response>;
  userAgent?: string;
}

/** What every openapi-fetch call answers. */
interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * The transport every part of the SDK shares: the client generated from
 * openapi.json (`api`, typed by openapi-typescript, for every JSON route) and
 * a raw `send` for the routes that stream (file bytes, job events); both go
 * through one retrying fetch with the same headers.
 */
export class BrokerTransport {
  readonly api: Client<paths>;
  readonly baseUrl: string;
  private readonly fetcher: (request: Request) => Promise<Response>;
  private readonly headers: Record<string, string>;

  constructor(options: ImageBrokerOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.headers = { 'user-agent': options.userAgent ?? 'image-broker-sdk/0.1' };
    if (options.token) this.headers.authorization = `Bearer ${options.token}`;
    this.fetcher = retryingFetch(options.retry, options.fetch);
    this.api = createClient<paths>({ baseUrl: this.baseUrl, headers: this.headers, fetch: this.fetcher });
    // Every POST carries an Idempotency-Key, so a retry after a lost answer never does the work twice.
    this.api.use({
      onRequest({ request }) {
        if (request.method === 'POST' && !request.headers.has('idempotency-key')) {
          request.headers.set('idempotency-key', randomUUID());
        }
        return request;
      },
    });
  }

  /** The data of a typed call, or its problem thrown as an ImageBrokerError. */
  async data<T>(call: Promise<Answer<T>>, target: string): Promise<T> {
    let answer: Answer<T>;
    try {
      answer = await call;
    } catch (error) {
      throw error instanceof ImageBrokerError ? error : ImageBrokerError.fromTransport(target, error);
    }
    if (answer.response.ok) return answer.data as T;
    // openapi-fetch has read the body: a problem object when the broker sent one, else its text.
    const retryAfter = parseRetryAfter(answer.response.headers.get('retry-after'));
    if (answer.error && typeof answer.error === 'object' && 'title' in answer.error) {
      throw new ImageBrokerError(answer.error as Problem, retryAfter);
    }
    const { status, statusText } = answer.response;
    throw new ImageBrokerError(
      {
        type: 'about:blank',
        title: statusText || `HTTP ${status}`,
        status,
        detail: String(answer.error ?? '').slice(0, 500),
      },
      retryAfter,
    );
  }

  /**
   * A streamed body PUT to a route (the image's bytes): sent once, never
   * retried, read only as fast as the broker takes it. Answers the JSON of a
   * 2xx; a failed answer is thrown as its problem.
   */
  async putStream<T>(path: string, body: Readable, headers: Record<string, string>, signal?: AbortSignal): Promise<T> {
    let answer;
    try {
      answer = await httpPut(`${this.baseUrl}${path}`, body, { ...this.headers, ...headers }, signal);
    } catch (error) {
      if (signal?.aborted) throw error;
      throw ImageBrokerError.fromTransport(`PUT ${path}`, error);
    }
    if (answer.status >= 200 && answer.status < 300) return JSON.parse(answer.text) as T;
    throw ImageBrokerError.fromText(answer.status, answer.text, answer.headers['retry-after']);
  }

  /** A raw request on a streaming route, with the client's headers; a failed answer is thrown. */
  async send(path: string, init: RequestInit & { headers?: Record<string, string> }): Promise<Response> {
    const request = new Request(`${this.baseUrl}${path}`, { ...init, headers: { ...this.headers, ...init.headers } });
    let response: Response;
    try {
      response = await this.fetcher(request);
    } catch (error) {
      if (init.signal?.aborted) throw error;
      throw ImageBrokerError.fromTransport(`${init.method ?? 'GET'} ${path}`, error);
    }
    if (!response.ok) throw await ImageBrokerError.fromResponse(response);
    return response;
  }
}

export function pathOf(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values[name]));
}
