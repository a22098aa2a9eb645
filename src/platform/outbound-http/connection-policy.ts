import {
  BrokenCircuitError,
  bulkhead,
  circuitBreaker,
  CountBreaker,
  ExponentialBackoff,
  handleWhen,
  type IBackoff,
  type IBackoffFactory,
  type IPolicy,
  type IRetryBackoffContext,
  noJitterGenerator,
  noop,
  type Policy,
  retry,
  wrap,
} from 'cockatiel';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { ProviderUnavailableError } from '../errors/provider.errors';
import type { ConcurrencyLimiter } from './concurrency-limiter';

/**
 * When a provider connection is judged down: over a window of recent
 * attempts, not consecutive failures, so a provider that sheds a fifth of its
 * calls keeps working through retries while one that is hard down is cut off
 * within a few calls. The state is per process: each replica protects its own
 * resources and learns on its own.
 */
export interface BreakerSettings {
  /** Attempts remembered. */
  window: number;
  /** Attempts needed before the breaker may open. */
  minimumCalls: number;
  /** Share of failures in the window above which the breaker opens. */
  failureRatio: number;
  /** How long an open breaker refuses calls before letting one trial through. */
  coolDownMs: number;
}

export const DEFAULT_BREAKER: BreakerSettings = { window: 20, minimumCalls: 10, failureRatio: 0.8, coolDownMs: 15_000 };

export interface ConnectionPolicyOptions {
  /** Connection name, for errors. */
  provider: string;
  /** Retries after the first attempt, for calls that may be replayed. */
  maxRetries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Injected by tests to pin the jitter; a value in [0, 1). */
  random?: () => number;
  /** Absent: no breaker (token endpoints, standalone clients). */
  breaker?: BreakerSettings;
  /** Attempts in flight from this process; absent: unbounded. */
  maxConcurrentCalls?: number;
  /** Attempts in flight from every replica (held in Redis by the broker). */
  sharedLimiter?: ConcurrencyLimiter;
  /** The wait between attempts; injected by tests to record or skip it. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** What an attempt's failure tells the policy; the HTTP client supplies it. */
export interface FailureClassifier {
  /** A thrown failure worth another attempt (and counted against the breaker). */
  isTransientError(error: unknown): boolean;
  /** An answer worth another attempt (and counted against the breaker), e.g. a 503. */
  isTransientAnswer(value: unknown): boolean;
  /** The wait the failed attempt's answer asks for (Retry-After), or null. */
  retryAfterMs(value: unknown): number | null;
}

export interface PolicyCall {
  /** Whether the attempt may be sent again: false for a body that is streamed once. */
  replayable: boolean;
  /** `METHOD /path`, for the error of a call the policy refuses to send. */
  target: string;
  signal?: AbortSignal;
  /**
   * Runs before each attempt, outside the breaker and the limits: opening a
   * body afresh, which may itself call the provider (and so needs a slot).
   */
  beforeAttempt?: (retryNumber: number) => Promise<void>;
}

const DEFAULTS = { maxRetries: 4, baseDelayMs: 200, maxDelayMs: 10_000 } as const;

/**
 * The resilience of one provider connection, from cockatiel: retries with
 * capped exponential backoff and full jitter (the provider's Retry-After wins,
 * capped), a circuit breaker, and a bulkhead; each attempt then takes a slot of
 * the connection's limit shared by every replica. Retries wrap the breaker, so
 * every attempt is judged, and the bulkhead, so no slot is held while waiting.
 */
export class ConnectionPolicy {
  readonly provider: string;
  private readonly handled: Policy;
  private readonly maxRetries: number;
  private readonly backoff: RetryAfterBackoff;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly guard: IPolicy;
  private readonly sharedLimiter: ConcurrencyLimiter | undefined;
  private readonly coolDownMs: number;
  private openedAt = 0;

  constructor(
    options: ConnectionPolicyOptions,
    private readonly classify: FailureClassifier,
  ) {
    this.provider = options.provider;
    this.sharedLimiter = options.sharedLimiter;
    this.handled = handleWhen((error) => classify.isTransientError(error)).orWhenResult((value) =>
      classify.isTransientAnswer(value),
    );
    const maxDelayMs = options.maxDelayMs ?? DEFAULTS.maxDelayMs;
    this.backoff = new RetryAfterBackoff(
      new ExponentialBackoff({
        initialDelay: options.baseDelayMs ?? DEFAULTS.baseDelayMs,
        maxDelay: maxDelayMs,
        generator: fullJitter(options.random ?? Math.random),
      }),
      // A provider asking for an hour must not park a worker for an hour.
      maxDelayMs * 3,
      (value) => classify.retryAfterMs(value),
    );
    this.maxRetries = options.maxRetries ?? DEFAULTS.maxRetries;
    this.sleep = options.sleep ?? ((ms, signal) => sleepFor(ms, undefined, { signal }));

    this.coolDownMs = options.breaker?.coolDownMs ?? 0;
    const breaker = options.breaker
      ? circuitBreaker(this.handled, {
          halfOpenAfter: options.breaker.coolDownMs,
          breaker: new CountBreaker({
            threshold: options.breaker.failureRatio,
            size: options.breaker.window,
            minimumNumberOfCalls: options.breaker.minimumCalls,
          }),
        })
      : undefined;
    breaker?.onBreak(() => (this.openedAt = Date.now()));
    // The queue is unbounded, as the in-process limiter it replaces was: a burst waits its turn.
    const limit = options.maxConcurrentCalls === undefined ? undefined : bulkhead(options.maxConcurrentCalls, Infinity);
    this.guard = wrap(breaker ?? noop, limit ?? noop);
  }

  /**
   * Runs `attempt` under the policy. A non-replayable call is still judged by
   * the breaker and bounded by the limits, but sent once.
   */
  async execute<T>(attempt: (signal: AbortSignal | undefined) => Promise<T>, call: PolicyCall): Promise<T> {
    // cockatiel 3.2 sits out its backoff on a timer the caller's signal cannot cut short, so a cancelled
    // job would wait up to three times maxDelayMs: cockatiel is told to wait 0 and the planned wait is
    // slept here, before the next attempt, where the signal ends it.
    let wait = 0;
    const retrying = retry(this.handled, {
      maxAttempts: call.replayable ? this.maxRetries : 0,
      backoff: new PlannedWait(this.backoff, (ms) => (wait = ms)),
    });
    try {
      return await retrying.execute(async ({ attempt: retryNumber }) => {
        if (retryNumber > 0) await this.sleep(wait, call.signal);
        call.signal?.throwIfAborted();
        await call.beforeAttempt?.(retryNumber);
        return this.guard.execute(() => this.withSharedSlot(attempt, call), call.signal);
      }, call.signal);
    } catch (error) {
      if (call.signal?.aborted) throw call.signal.reason;
      if (error instanceof BrokenCircuitError) {
        const nextTrialS = Math.max(1, Math.ceil((this.openedAt + this.coolDownMs - Date.now()) / 1000));
        throw new ProviderUnavailableError(
          this.provider,
          `${call.target} not sent: ${this.provider} failed most recent calls (circuit open); next trial in ${nextTrialS} s`,
        );
      }
      throw error;
    }
  }

  private async withSharedSlot<T>(
    attempt: (signal: AbortSignal | undefined) => Promise<T>,
    call: PolicyCall,
  ): Promise<T> {
    if (!this.sharedLimiter) return attempt(call.signal);
    let release: () => void;
    try {
      release = await this.sharedLimiter.acquire(call.signal);
    } catch (error) {
      if (call.signal?.aborted) throw call.signal.reason;
      throw new ProviderUnavailableError(this.provider, `${call.target} not sent: ${(error as Error).message}`);
    }
    try {
      return await attempt(call.signal);
    } finally {
      release();
    }
  }
}

/** Hands the backoff's wait to `plan` and tells cockatiel to wait 0 (see ConnectionPolicy.execute). */
class PlannedWait implements IBackoffFactory<IRetryBackoffContext<unknown>> {
  constructor(
    private readonly backoff: IBackoffFactory<IRetryBackoffContext<unknown>>,
    private readonly plan: (ms: number) => void,
  ) {}

  next(context: IRetryBackoffContext<unknown>): IBackoff<IRetryBackoffContext<unknown>> {
    const step = this.backoff.next(context);
    this.plan(step.duration);
    return { duration: 0, next: (following) => new PlannedWait(step, this.plan).next(following) };
  }
}

/**
 * Full jitter over cockatiel's capped exponential curve: a uniform draw below
 * it, which spreads the retries of many workers hitting one struggling
 * provider. cockatiel's own fullJitterGenerator draws from Math.random, which
 * tests could not pin.
 */
function fullJitter(random: () => number) {
  return (attempt: number | undefined, options: { initialDelay: number; maxDelay: number; exponent: number }) => {
    const [ceiling, next] = noJitterGenerator(attempt, { ...options, generator: noJitterGenerator });
    return [Math.floor(random() * ceiling), next] as [number, number];
  };
}

/**
 * The wait before a retry: the provider's Retry-After when the failed answer
 * carries one (capped), otherwise the next step of the backoff. The backoff
 * steps on either way, as a provider that asked for a wait is struggling.
 * cockatiel's ExponentialBackoff does not see the failure, hence this wrapper.
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
