import type { TokenCacheOptions } from '../../../platform/outbound-http/cached-token-source';
import type { HttpTuning } from '../../connections/provider-connection.types';
import {
  type AuthHeaderSource,
  ProviderHttpClient,
  type ProviderHttpClientOptions,
} from '../../../platform/outbound-http/provider-http-client';

/** What an adapter's options may override in its client (tests: sleep, random, an `authenticate` source, short timeouts). */
export type AdapterHttpOverrides = Partial<Omit<ProviderHttpClientOptions, 'provider' | 'baseUrl'>>;

/** The client tuning an auth source's own token requests run with. */
export type AuthRequestTuning = Omit<AdapterHttpOverrides, 'authenticate'>;

/**
 * The HTTP client of one provider connection: the connection's timeout and
 * retries, then the adapter's overrides. The connection's own auth source is
 * built only when the overrides bring none, and with the same tuning, so its
 * token requests are retried and timed out like the calls they serve.
 */
export function createConnectionHttpClient(
  conn: Pick<HttpTuning, 'timeoutMs' | 'maxRetries'> & { name: string; endpoint: string },
  overrides: AdapterHttpOverrides | undefined,
  connectionAuth: (tuning: AuthRequestTuning) => AuthHeaderSource,
): ProviderHttpClient {
  const { authenticate, ...tuning } = overrides ?? {};
  const clientTuning = { timeoutMs: conn.timeoutMs, maxRetries: conn.maxRetries, ...tuning };
  return new ProviderHttpClient({
    ...clientTuning,
    provider: conn.name,
    baseUrl: conn.endpoint,
    authenticate: authenticate ?? connectionAuth(clientTuning),
  });
}

/** Options of a connection's token-issuing auth source (Keystone, OAuth2 client credentials). */
export interface TokenSourceOptions extends TokenCacheOptions {
  /** Connection name, for errors. */
  provider: string;
  /** Client tuning for the token request (tests inject sleep/random/timeouts). */
  http?: AuthRequestTuning;
}
