import * as appErrors from './app.errors';
import * as providerErrors from './provider.errors';
import { BrokerError, isTransient } from './broker-error';
import { toProblem } from './problem-mapper';

/** Every concrete error class of the two platform families, built with a sample message. */
function samples(): BrokerError[] {
  const app = Object.values(appErrors)
    .filter((c) => typeof c === 'function' && c !== appErrors.AppError)
    .map((c) => new (c as new (m: string) => BrokerError)('sample'));
  const provider = Object.values(providerErrors)
    .filter((c) => typeof c === 'function' && c !== providerErrors.ProviderError)
    .map((c) => new (c as new (p: string, m: string, s?: number) => BrokerError)('p', 'sample', 400));
  return [...app, ...provider];
}

describe('errors are data', () => {
  it.each(samples().map((e) => [e.name, e] as const))(
    '%s declares its status, problem type and transient flag',
    (_n, e) => {
      expect(Number.isInteger(e.status)).toBe(true);
      expect(e.slug).toMatch(/^[a-z-]+$/);
      expect(e.title.length).toBeGreaterThan(0);
      expect(typeof e.transient).toBe('boolean');
    },
  );

  it.each(samples().map((e) => [e.name, e] as const))('%s is answered with what it declares', (_n, e) => {
    expect(toProblem(e)).toMatchObject({
      type: `https://image-broker.dev/problems/${e.slug}`,
      title: e.title,
      status: e.status,
      detail: e.message,
    });
  });

  it('maps a new error class without a change to the mapper, and the retry decision reads its flag', () => {
    class QuotaExceededError extends BrokerError {
      readonly status = 429;
      readonly slug = 'quota-exceeded';
      readonly title = 'Quota exceeded';
      readonly transient = true;
      override get problemMembers(): Record<string, unknown> {
        return { retryAfterSeconds: 30 };
      }
    }
    const error = new QuotaExceededError('too many uploads today');
    expect(toProblem(error)).toEqual({
      type: 'https://image-broker.dev/problems/quota-exceeded',
      title: 'Quota exceeded',
      status: 429,
      detail: 'too many uploads today',
      retryAfterSeconds: 30,
    });
    expect(isTransient(error)).toBe(true);
  });

  it('reads transient from the error: a provider outage is retried, a refusal is not', () => {
    expect(isTransient(new providerErrors.ProviderUnavailableError('p', 'down', 503))).toBe(true);
    expect(isTransient(new providerErrors.ProviderRejectedError('p', 'bad', 400))).toBe(false);
    expect(isTransient(new providerErrors.IntegrityError('p', 'sha256 differs'))).toBe(false);
    expect(isTransient(new appErrors.ServiceUnavailableError('staging is not configured'))).toBe(true);
    expect(isTransient(new appErrors.NotFoundError('gone'))).toBe(false);
  });

  it('counts what the broker did not classify as transient (a dropped database connection)', () => {
    expect(isTransient(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isTransient('a thrown string')).toBe(true);
  });

  it('answers a declared 500 as the generic internal error, never its message', () => {
    class BrokenInvariantError extends BrokerError {
      readonly status = 500;
      readonly slug = 'internal-error';
      readonly title = 'Internal server error';
      readonly transient = false;
    }
    expect(toProblem(new BrokenInvariantError('row 42 has no owner'))).toEqual({
      type: 'https://image-broker.dev/problems/internal-error',
      title: 'Internal server error',
      status: 500,
      detail: 'An unexpected error occurred; it has been logged.',
    });
  });
});
