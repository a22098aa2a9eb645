/** What the registry needs of every token it keeps. */
export interface RegisteredToken {
  token: string;
  issuedAtMs: number;
  /** Epoch ms from which the token is dead; null never expires (static tokens). */
  expiresAtMs: number | null;
}

/**
 * The tokens an emulator accepts: static ones and ones its token endpoint
 * issued, which expire. With a `fallback`, an unknown non-empty token is taken
 * as `fallback(token)`, so a bare emulator with nothing configured is usable; a
 * missing token is still refused.
 */
export class TokenRegistry<T extends RegisteredToken> {
  private readonly tokens = new Map<string, T>();

  constructor(
    protected readonly now: () => number,
    private readonly fallback: ((token: string) => T) | null,
  ) {}

  /** The live token, or undefined when unknown, revoked or expired. */
  resolve(token: string | undefined): T | undefined {
    if (!token) return undefined;
    const known = this.tokens.get(token);
    if (known) return known.expiresAtMs !== null && this.now() >= known.expiresAtMs ? undefined : known;
    return this.fallback?.(token);
  }

  revoke(token: string): boolean {
    return this.tokens.delete(token);
  }

  /** Makes every issued (non-static) token expire now; lets tests force a 401 and a renewal. */
  expireIssuedTokens(): void {
    const now = this.now();
    for (const accepted of this.tokens.values()) {
      if (accepted.expiresAtMs !== null) accepted.expiresAtMs = now;
    }
  }

  protected remember(accepted: T): T {
    this.tokens.set(accepted.token, accepted);
    return accepted;
  }
}
