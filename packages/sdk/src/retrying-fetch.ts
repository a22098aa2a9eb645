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

/** Requests whose body is a stream: it is read once, so they are never sent again. */
export const streamedBodies = new WeakSet<Request>();

/** Answers that did no work: the broker's rate limit and a replica or proxy that could not answer. */
const TRANSIENT_STATUSES = new Set([429, 502, 503, 504]);
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

/**
 * A fetch that retries what is safe to retry, with exponential backoff and
 * full jitter from cockatiel, waiting what a 429 or 503's Retry-After asks
 * (capped). A POST is sent again only when it carries an Idempotency-Key (the
 * client gives every POST one), so a retry never does the work twice. A body
 * that is a stream is sent once: it cannot be read again.
 */
export function retryingFetch(
  options: RetryOptions = {},
  send: (request: Request) => Promise<Response> = (request) => fetch(request),
): (request: Request) => Promise<Response> {
  const maxRetries = options.maxRetries ?? 4;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  return async (request: Request) => {
    const replayable =
      (IDEMPOTENT_METHODS.has(request.method) || request.headers.has('idempotency-key')) &&
      !streamedBodies.has(request);
    if (!replayable || maxRetries === 0) return send(request);
    const policy = retry(
      handleWhen((error) => isTransportError(error)).orWhenResult(
        (value) => value instanceof Response && TRANSIENT_STATUSES.has(value.status),
      ),
      {
        maxAttempts: maxRetries,
        backoff: new RetryAfterBackoff(
          new ExponentialBackoff({ initialDelay: options.baseDelayMs ?? 250, maxDelay: maxDelayMs }),
          maxDelayMs,
        ),
      },
    );
    return policy.execute(async ({ attempt }) => {
      const answer = await send(request.clone());
      // A transient answer that will be retried is not read: free its socket now.
      if (TRANSIENT_STATUSES.has(answer.status) && attempt < maxRetries) await answer.body?.cancel();
      return answer;
    }, request.signal);
  };
}

/** fetch rejects with a TypeError for a failure of the network; an abort is the caller's own doing. */
function isTransportError(error: unknown): boolean {
  return error instanceof TypeError;
}

/**
 * The next wait: what the failed answer's Retry-After asks (capped) when it
 * has one, else the next backoff step. cockatiel's backoffs do not see the
 * answer, hence this wrapper.
 */
class RetryAfterBackoff implements IBackoffFactory<IRetryBackoffContext<unknown>> {
  constructor(
    private readonly steps: IBackoffFactory<unknown>,
    private readonly capMs: number,
  ) {}

  next(context: IRetryBackoffContext<unknown>): IBackoff<IRetryBackoffContext<unknown>> {
    const step = this.steps.next(context);
    const answer = 'value' in context.result ? context.result.value : null;
    const asked = answer instanceof Response ? parseRetryAfter(answer.headers.get('retry-after')) : null;
    return {
      duration: asked === null ? step.duration : Math.min(asked, this.capMs),
      next: (following) => new RetryAfterBackoff(step, this.capMs).next(following),
    };
  }
}
