import {
  ExponentialBackoff,
  handleWhen,
  retry,
  type IBackoff,
  type IBackoffFactory,
  type IRetryBackoffContext,
} from 'cockatiel';
import { parseRetryAfter } from './errors';

export interface RetryOptions {
  /** Retries after the first attempt. Default 4; 0 turns retrying off. */
  maxRetries?: number;
  /** First backoff step. Default 250 ms. */
  baseDelayMs?: number;
  /** Longest backoff step, and the cap on what a Retry-After may ask. Default 30 s. */
  maxDelayMs?: number;
}

/** Answers that did no work: the broker's rate limit and a replica or proxy that could not answer. */
const TRANSIENT_STATUSES = new Set([429, 502, 503, 504]);
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

/**
 * A fetch that retries what is safe to retry, with exponential backoff and
 * full jitter from cockatiel, waiting what a 429 or 503's Retry-After asks
 * (capped). A POST is sent again only when it carries an Idempotency-Key (the
 * client gives every POST one), so a retry never does the work twice. The
 * SDK sends no streamed body through fetch (see http-put.ts).
 */
export function retryingFetch(
  options: RetryOptions = {},
  send: (request: Request) => Promise<Response> = (request) => fetch(request),
): (request: Request) => Promise<Response> {
  const maxRetries = options.maxRetries ?? 4;
  return async (request: Request) => {
    const replayable = IDEMPOTENT_METHODS.has(request.method) || request.headers.has('idempotency-key');
    if (!replayable || maxRetries === 0) return send(request);
    const policy = transientRetry(
      options,
      (value) => value instanceof Response && TRANSIENT_STATUSES.has(value.status),
      (value) => (value instanceof Response ? parseRetryAfter(value.headers.get('retry-after')) : null),
    );
    return policy.execute(async ({ attempt }) => {
      const answer = await send(request.clone());
      // A transient answer that will be retried is not read: free its socket now.
      if (TRANSIENT_STATUSES.has(answer.status) && attempt < maxRetries) await answer.body?.cancel();
      return answer;
    }, request.signal);
  };
}

/**
 * The retry policy of every request the SDK may send again (cockatiel):
 * exponential backoff, or what the answer's Retry-After asks (capped), for a
 * failure of the network or an answer `transientAnswer` accepts.
 */
export function transientRetry(
  options: RetryOptions,
  transientAnswer: (value: unknown) => boolean,
  retryAfterMs: (value: unknown) => number | null,
) {
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  return retry(handleWhen(isTransportError).orWhenResult(transientAnswer), {
    maxAttempts: options.maxRetries ?? 4,
    backoff: new RetryAfterBackoff(
      new ExponentialBackoff({ initialDelay: options.baseDelayMs ?? 250, maxDelay: maxDelayMs }),
      maxDelayMs,
      retryAfterMs,
    ),
  });
}

const TRANSIENT_ERROR_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
]);

/** fetch rejects with a TypeError for a failure of the network, node:http with a coded error; an abort is the caller's. */
function isTransportError(error: unknown): boolean {
  if (error instanceof TypeError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && TRANSIENT_ERROR_CODES.has(code);
}

/**
 * The next wait: what the failed answer's Retry-After asks (capped) when it
 * has one, else the next backoff step. cockatiel's backoffs do not see the
 * answer, hence this wrapper. The broker's outbound client has its twin
 * (src/platform/outbound-http/connection-policy.ts); the SDK is a package of
 * its own and may import nothing from src/ (.dependency-cruiser.cjs).
 */
class RetryAfterBackoff implements IBackoffFactory<IRetryBackoffContext<unknown>> {
  constructor(
    private readonly steps: IBackoffFactory<unknown>,
    private readonly capMs: number,
    private readonly retryAfterMs: (value: unknown) => number | null,
  ) {}

  next(context: IRetryBackoffContext<unknown>): IBackoff<IRetryBackoffContext<unknown>> {
    const step = this.steps.next(context);
    const asked = 'value' in context.result ? this.retryAfterMs(context.result.value) : null;
    return {
      duration: asked === null ? step.duration : Math.min(asked, this.capMs),
      next: (following) => new RetryAfterBackoff(step, this.capMs, this.retryAfterMs).next(following),
    };
  }
}
