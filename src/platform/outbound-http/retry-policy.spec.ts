import { isIdempotentMethod, isRetryableStatus, isTransientNetworkError, parseRetryAfter } from './retry-policy';
import { dropConnection, neverAnswer, ScriptedHttpServer } from './testing/scripted-http-server';

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-10-22T08:40:44Z');

  it('reads delta-seconds as milliseconds', () => {
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });

  it('reads an HTTP-date as the time left until it', () => {
    expect(parseRetryAfter('Wed, 22 Oct 2025 08:40:54 GMT', now)).toBe(10_000);
  });

  it('treats a date in the past as "now"', () => {
    expect(parseRetryAfter('Wed, 22 Oct 2025 08:00:00 GMT', now)).toBe(0);
  });

  it('ignores a missing or unreadable header', () => {
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
    expect(parseRetryAfter('', now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter('-5', now)).toBeNull();
  });
});

describe('what is worth retrying', () => {
  it('retries 429 and the 5xx a restart or overload produces, not other statuses', () => {
    expect([429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 409, 501].some(isRetryableStatus)).toBe(false);
  });

  it('replays only idempotent methods', () => {
    expect(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'get'].every(isIdempotentMethod)).toBe(true);
    expect(['POST', 'PATCH'].some(isIdempotentMethod)).toBe(false);
  });

  it('recognises connection resets, timeouts and undici socket errors through the cause chain', () => {
    expect(isTransientNetworkError(Object.assign(new Error('read'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isTransientNetworkError(new Error('socket hang up'))).toBe(true);
    expect(isTransientNetworkError(new DOMException('The operation timed out', 'TimeoutError'))).toBe(true);
    const wrapped = new TypeError('outer', { cause: Object.assign(new Error('x'), { code: 'UND_ERR_SOCKET' }) });
    expect(isTransientNetworkError(wrapped)).toBe(true);
  });

  it('does not mistake programming errors for network trouble', () => {
    expect(isTransientNetworkError(new RangeError('Invalid array length'))).toBe(false);
    expect(isTransientNetworkError(new DOMException('aborted by the caller', 'AbortError'))).toBe(false);
    expect(isTransientNetworkError('ECONNRESET')).toBe(false);
    expect(isTransientNetworkError(undefined)).toBe(false);
  });

  describe('against a real server', () => {
    let server: ScriptedHttpServer;
    beforeAll(async () => (server = await ScriptedHttpServer.start()));
    afterAll(() => server.close());

    const failureOf = (promise: Promise<unknown>) =>
      promise.then(
        () => new Error('did not fail'),
        (error: unknown) => error,
      );

    it("classifies fetch's error for a dropped connection as transient", async () => {
      server.reply(dropConnection());
      expect(isTransientNetworkError(await failureOf(fetch(`${server.url}/drop`)))).toBe(true);
    });

    it("classifies fetch's error for a per-attempt timeout as transient", async () => {
      server.reply(neverAnswer());
      const error = await failureOf(fetch(`${server.url}/hang`, { signal: AbortSignal.timeout(50) }));
      expect(isTransientNetworkError(error)).toBe(true);
    });

    it('classifies a refused connection as transient', async () => {
      const closed = await ScriptedHttpServer.start();
      const url = closed.url;
      await closed.close();
      expect(isTransientNetworkError(await failureOf(fetch(url)))).toBe(true);
    });
  });
});
