import { ProgressReporter } from './progress-reporter';
import { scenarioDelay } from '../../test/support/wait-for';

describe('reporting transfer progress', () => {
  it('writes at once, then at most every interval, and always the latest figure at the end', async () => {
    const writes: Array<[number, number]> = [];
    const started = Date.now();
    const reporter = new ProgressReporter(async (bytes) => {
      writes.push([bytes, Date.now() - started]);
    }, 100);
    for (let i = 1; i <= 50; i++) {
      reporter.report(i * 1000);
      await scenarioDelay(10); // progress every 10 ms
    }
    await reporter.close();
    const elapsed = Date.now() - started;
    expect(writes[0][0]).toBe(1000);
    expect(writes[writes.length - 1][0]).toBe(50_000);
    expect(writes.length).toBeGreaterThanOrEqual(4);
    // At most one write per interval, plus the first and the closing one, however slow the machine.
    expect(writes.length).toBeLessThanOrEqual(Math.floor(elapsed / 90) + 2);
    for (let i = 1; i < writes.length - 1; i++) expect(writes[i][1] - writes[i - 1][1]).toBeGreaterThanOrEqual(90);
  });
});
