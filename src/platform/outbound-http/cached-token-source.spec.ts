import { CachedTokenSource, type IssuedToken } from './cached-token-source';

describe('CachedTokenSource', () => {
  let now: number;
  let issued: number;
  let lifetimeMs: number;
  const issue = jest.fn(async (): Promise<IssuedToken> => ({ token: `tok-${++issued}`, issuedAtMs: now, lifetimeMs }));
  const source = (refreshMarginMs?: number) => new CachedTokenSource(issue, { now: () => now, refreshMarginMs });

  beforeEach(() => {
    now = 1_000_000;
    issued = 0;
    lifetimeMs = 3600_000;
    issue.mockClear();
  });

  it('reuses the token until a minute before it expires', async () => {
    const tokens = source();

    await expect(tokens.token()).resolves.toBe('tok-1');
    now += 3600_000 - 60_001;
    await expect(tokens.token()).resolves.toBe('tok-1');
    now += 1;
    await expect(tokens.token()).resolves.toBe('tok-2');
  });

  it('takes the margin it is given', async () => {
    const tokens = source(10_000);

    await tokens.token();
    now += 3600_000 - 10_001;
    await expect(tokens.token()).resolves.toBe('tok-1');
    now += 1;
    await expect(tokens.token()).resolves.toBe('tok-2');
  });

  it('uses a token shorter-lived than twice the margin for half its life', async () => {
    lifetimeMs = 30_000;
    const tokens = source();

    await tokens.token();
    now += 14_999;
    await expect(tokens.token()).resolves.toBe('tok-1');
    now += 1;
    await expect(tokens.token()).resolves.toBe('tok-2');
  });

  it('refreshes an already expired token at once', async () => {
    lifetimeMs = -5_000;
    const tokens = source();

    await tokens.token();
    await expect(tokens.token()).resolves.toBe('tok-2');
  });

  it('keeps a token without expiry until it is invalidated', async () => {
    lifetimeMs = Number.POSITIVE_INFINITY;
    const tokens = source();

    await tokens.token();
    now += 365 * 86_400_000;
    await expect(tokens.token()).resolves.toBe('tok-1');
    tokens.invalidate();
    await expect(tokens.token()).resolves.toBe('tok-2');
  });

  it('lets concurrent callers share one token request', async () => {
    const tokens = source();

    await expect(Promise.all([tokens.token(), tokens.token(), tokens.token()])).resolves.toEqual([
      'tok-1',
      'tok-1',
      'tok-1',
    ]);
    expect(issue).toHaveBeenCalledTimes(1);
  });

  it('caches no failure: the next caller asks again', async () => {
    const tokens = source();
    issue.mockRejectedValueOnce(new Error('refused'));

    await expect(tokens.token()).rejects.toThrow('refused');
    await expect(tokens.token()).resolves.toBe('tok-1');
  });
});
