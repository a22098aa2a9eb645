import type { AuthHeaderSource } from './provider-http-client';

/**
 * Credentials that never change: a static token or API key. Nothing to refresh,
 * so a refused one surfaces as ProviderAuthError after the client's one retry.
 */
export class StaticHeaderSource implements AuthHeaderSource {
  constructor(private readonly value: Readonly<Record<string, string>>) {}

  headers(): Promise<Record<string, string>> {
    return Promise.resolve({ ...this.value });
  }

  invalidate(): void {}
}

/** `Authorization: Bearer <token>`, as FPT, Genesis and nscale's static tokens are sent. */
export function bearerTokenSource(token: string): StaticHeaderSource {
  return new StaticHeaderSource({ Authorization: `Bearer ${token}` });
}
