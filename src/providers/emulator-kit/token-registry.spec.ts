import { type RegisteredToken, TokenRegistry } from './token-registry';

interface TestToken extends RegisteredToken {
  owner: string;
}

/** The smallest registry over the base: static tokens and ones that live `ttlMs`. */
class TestRegistry extends TokenRegistry<TestToken> {
  addStatic(token: string): void {
    this.remember({ token, owner: 'static', issuedAtMs: this.now(), expiresAtMs: null });
  }

  issue(token: string, ttlMs: number): TestToken {
    return this.remember({ token, owner: 'issued', issuedAtMs: this.now(), expiresAtMs: this.now() + ttlMs });
  }
}

describe('TokenRegistry', () => {
  let now: number;
  const clock = () => now;

  /** The fallback of a bare emulator: any token is someone. */
  const anyone = (token: string): TestToken => ({ token, owner: 'anyone', issuedAtMs: now, expiresAtMs: null });

  beforeEach(() => (now = 1_000));

  it('resolves a static token for ever and an issued one until it expires', () => {
    const registry = new TestRegistry(clock, null);
    registry.addStatic('s');
    registry.issue('i', 500);

    now += 499;
    expect(registry.resolve('i')).toMatchObject({ owner: 'issued' });
    now += 1;
    expect(registry.resolve('i')).toBeUndefined();
    expect(registry.resolve('s')).toMatchObject({ owner: 'static' });
  });

  it('refuses unknown, empty and missing tokens without a fallback', () => {
    const registry = new TestRegistry(clock, null);

    expect(registry.resolve('unknown')).toBeUndefined();
    expect(registry.resolve('')).toBeUndefined();
    expect(registry.resolve(undefined)).toBeUndefined();
  });

  it('takes any unknown non-empty token as the fallback says, but still refuses a missing one', () => {
    const registry = new TestRegistry(clock, anyone);

    expect(registry.resolve('whatever')).toEqual({
      token: 'whatever',
      owner: 'anyone',
      issuedAtMs: 1_000,
      expiresAtMs: null,
    });
    expect(registry.resolve('')).toBeUndefined();
  });

  it('does not fall back for a known token that expired', () => {
    const registry = new TestRegistry(clock, anyone);
    registry.issue('i', 10);

    now += 10;
    expect(registry.resolve('i')).toBeUndefined();
  });

  it('forgets a revoked token', () => {
    const registry = new TestRegistry(clock, null);
    registry.addStatic('s');

    expect(registry.revoke('s')).toBe(true);
    expect(registry.revoke('s')).toBe(false);
    expect(registry.resolve('s')).toBeUndefined();
  });

  it('expires every issued token at once, leaving static ones', () => {
    const registry = new TestRegistry(clock, null);
    registry.addStatic('s');
    registry.issue('i', 3600_000);

    registry.expireIssuedTokens();

    expect(registry.resolve('i')).toBeUndefined();
    expect(registry.resolve('s')).toBeDefined();
  });
});
