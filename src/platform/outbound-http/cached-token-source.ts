import { secretRedactor } from '../logging/secret-redactor';

/** A token as its issuer hands it out; `lifetimeMs` is Infinity when the issuer states no expiry. */
export interface IssuedToken {
  token: string;
  /** Epoch ms the lifetime counts from. */
  issuedAtMs: number;
  lifetimeMs: number;
}

export interface TokenCacheOptions {
  /** Renew this long before the token expires; a minute when omitted. */
  refreshMarginMs?: number;
  now?: () => number;
}

/** A minute: long enough that a token never dies mid-request, short against the usual hour-long lifetimes. */
const DEFAULT_REFRESH_MARGIN_MS = 60_000;

/**
 * A token cached until shortly before it expires. Concurrent callers share one
 * in-flight request, so a burst of calls after expiry costs one token request,
 * not one each; invalidate() (the HTTP client calls it on a 401) makes the next
 * caller fetch a new token.
 */
export class CachedTokenSource {
  private readonly refreshMarginMs: number;
  private readonly now: () => number;
  private cached: { token: string; refreshAtMs: number } | null = null;
  private inFlight: Promise<string> | null = null;

  constructor(
    private readonly issue: () => Promise<IssuedToken>,
    options: TokenCacheOptions = {},
  ) {
    this.refreshMarginMs = options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS;
    this.now = options.now ?? Date.now;
  }

  async token(): Promise<string> {
    const cached = this.cached;
    if (cached && this.now() < cached.refreshAtMs) return cached.token;
    return this.fetchShared();
  }

  invalidate(): void {
    this.cached = null;
  }

  private fetchShared(): Promise<string> {
    this.inFlight ??= this.issue()
      .then((issued) => {
        // An issued token is a credential too: whatever echoes it later is redacted.
        secretRedactor.rememberIssuedToken(issued.token);
        this.cached = { token: issued.token, refreshAtMs: this.refreshTime(issued) };
        return issued.token;
      })
      .finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  /** A token shorter-lived than twice the margin is still used for half its life rather than never. */
  private refreshTime({ issuedAtMs, lifetimeMs }: IssuedToken): number {
    return issuedAtMs + lifetimeMs - Math.min(this.refreshMarginMs, Math.max(0, lifetimeMs / 2));
  }
}
