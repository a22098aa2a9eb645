import { RETRY_WINDOW_MS, retryDelayMs, retryWindowOver } from './delivery-backoff';

describe('the retry schedule of a webhook delivery', () => {
  it('doubles from the base up to an hour', () => {
    const even = () => 0.5;
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 1_000, even))).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(retryDelayMs(40, 5_000, even)).toBe(3_600_000);
  });

  it('keeps trying for 24 hours, and the attempts fill them', () => {
    const start = new Date(0);
    let at = 0;
    let attempts = 0;
    while (!retryWindowOver(start, new Date(at))) at += retryDelayMs(++attempts, 5_000, () => 0);
    expect(at).toBeGreaterThanOrEqual(RETRY_WINDOW_MS);
    expect(attempts).toBeGreaterThan(20);
  });
});
