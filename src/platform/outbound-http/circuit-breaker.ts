/**
 * A circuit breaker per provider connection: when most recent calls failed
 * (5xx, 429, timeouts, dropped connections), further calls fail at once for a
 * cool-down instead of piling onto a provider that is down; then one trial
 * call decides whether to close again.
 *
 * It is judged on a window of recent outcomes, not on consecutive failures, so
 * a provider that sheds a fifth of its calls keeps working through retries
 * while one that is hard down is cut off within a few calls. The state is per
 * process: each replica protects its own resources and learns on its own.
 */
export interface CircuitBreakerOptions {
  /** Outcomes remembered. */
  window: number;
  /** Outcomes needed before the breaker may open. */
  minimumCalls: number;
  /** Share of failures in the window that opens the breaker. */
  failureRatio: number;
  /** How long an open breaker refuses calls before letting one trial through. */
  coolDownMs: number;
  now: () => number;
}

export const DEFAULT_BREAKER: Omit<CircuitBreakerOptions, 'now'> = {
  window: 20,
  minimumCalls: 10,
  failureRatio: 0.8,
  coolDownMs: 15_000,
};

export type BreakerState = 'closed' | 'open' | 'half-open';

export class CircuitBreaker {
  private outcomes: boolean[] = [];
  private openedAt: number | null = null;
  private trialInFlight = false;
  private readonly options: CircuitBreakerOptions;

  constructor(options: Partial<CircuitBreakerOptions> = {}) {
    this.options = { ...DEFAULT_BREAKER, now: Date.now, ...options };
  }

  get state(): BreakerState {
    if (this.openedAt === null) return 'closed';
    return this.options.now() - this.openedAt >= this.options.coolDownMs ? 'half-open' : 'open';
  }

  /** Milliseconds until a trial call is allowed; 0 when a call may go now. */
  refusalMs(): number {
    const state = this.state;
    if (state === 'closed') return 0;
    if (state === 'half-open') return this.trialInFlight ? 1_000 : 0;
    return this.options.coolDownMs - (this.options.now() - (this.openedAt ?? 0));
  }

  /** Call before an attempt that `refusalMs()` allowed. */
  begin(): void {
    if (this.state === 'half-open') this.trialInFlight = true;
  }

  record(success: boolean): void {
    if (this.openedAt !== null) {
      this.trialInFlight = false;
      if (success) {
        this.openedAt = null;
        this.outcomes = [];
      } else {
        this.openedAt = this.options.now();
      }
      return;
    }
    this.outcomes.push(success);
    if (this.outcomes.length > this.options.window) this.outcomes.shift();
    const failures = this.outcomes.filter((ok) => !ok).length;
    if (
      this.outcomes.length >= this.options.minimumCalls &&
      failures / this.outcomes.length >= this.options.failureRatio
    ) {
      this.openedAt = this.options.now();
    }
  }
}
