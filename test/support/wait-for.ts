/** Polls `check` until it holds, or fails the test after `timeoutMs`. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs = 30_000, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * A fixed wait during which nothing is expected to happen: the assertions after it check that
 * nothing did (a job stays queued, a slot stays held, readiness stays 503). Never a way to wait
 * for something to happen: that is `waitFor` on the thing itself.
 */
export function quietPeriod(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * A fixed wait that is part of the scenario itself, not a wait for a result: how long an outage
 * lasts, when a signal lands in a request's life. Name what it stands for at the call site.
 */
export function scenarioDelay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
