/** The longest wait between two attempts of one delivery. */
const MAX_DELAY_MS = 60 * 60 * 1000;

/** How long a failing delivery is retried before it is given up (then later ones of its key go on). */
export const RETRY_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * The wait after the `attempts`-th failed attempt: the base, doubled per
 * attempt, at most an hour, with ±20 % jitter so receivers coming back are
 * not hit by every webhook at once.
 */
export function retryDelayMs(attempts: number, baseMs: number, random: () => number = Math.random): number {
  const exponential = Math.min(baseMs * 2 ** Math.min(Math.max(attempts - 1, 0), 30), MAX_DELAY_MS);
  return Math.round(exponential * (0.8 + 0.4 * random()));
}

/** Whether a delivery first fanned out at `createdAt` is given up after a failure at `now`. */
export function retryWindowOver(createdAt: Date, now: Date): boolean {
  return now.getTime() - createdAt.getTime() >= RETRY_WINDOW_MS;
}
