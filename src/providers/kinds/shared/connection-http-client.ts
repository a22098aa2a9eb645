import type { TokenCacheOptions } from '../../../platform/outbound-http/cached-token-source';
import type { HttpTuning } from '../../connections/provider-connection.types';
import { ConnectionPolicy } from '../../../platform/outbound-http/connection-policy';
import {
  type AuthHeaderSource,
  ProviderHttpClient,
  type ProviderHttpClientOptions,
} from '../../../platform/outbound-http/provider-http-client';

/**
 * What an adapter's options may override in its client (tests: sleep, random,
 * an `authenticate` source, short timeouts); the broker's AdapterRuntime fills
 * the breaker, the limits and the observer.
 */
export type AdapterHttpOverrides = Partial<Omit<ProviderHttpClientOptions, 'provider' | 'baseUrl' | 'policy'>> & {
  /** Calls in flight from this process (the policy's bulkhead); unbounded when absent. */
  maxConcurrentCalls?: number;
};

/** The client tuning an auth source's own token requests run with. */
export type AuthRequestTuning = Omit<ProviderHttpClientOptions, 'provider' | 'baseUrl' | 'authenticate'>;

/**
 * The HTTP client of one provider connection and its one policy: the
 * connection's timeout and retries, then the adapter's overrides. The
 * connection's own auth source is built only when the overrides bring none,
 * with the same tuning and policy, so its token requests are retried, timed
 * out, judged and limited like the calls they serve.
 */
export function createConnectionHttpClient(
  conn: Pick<HttpTuning, 'timeoutMs' | 'maxRetries'> & { name: string; endpoint: string },
  overrides: AdapterHttpOverrides | undefined,
  connectionAuth: (tuning: AuthRequestTuning) => AuthHeaderSource,
): ProviderHttpClient {
  const { authenticate, maxConcurrentCalls, ...tuning } = overrides ?? {};
  const clientTuning = { timeoutMs: conn.timeoutMs, maxRetries: conn.maxRetries, ...tuning };
  const policy = new ConnectionPolicy(
    {
      provider: conn.name,
      maxRetries: clientTuning.maxRetries,
      baseDelayMs: clientTuning.baseDelayMs,
      maxDelayMs: clientTuning.maxDelayMs,
      random: clientTuning.random,
      sleep: clientTuning.sleep,
      breaker: clientTuning.breaker,
      maxConcurrentCalls,
      sharedLimiter: clientTuning.limiter,
    },
    ProviderHttpClient.attemptFailures,
  );
  return new ProviderHttpClient({
    ...clientTuning,
    provider: conn.name,
    baseUrl: conn.endpoint,
    policy,
    authenticate: authenticate ?? connectionAuth({ ...clientTuning, policy }),
  });
}

/** Options of a connection's token-issuing auth source (Keystone, OAuth2 client credentials). */
export interface TokenSourceOptions extends TokenCacheOptions {
  /** Connection name, for errors. */
  provider: string;
  /** Client tuning for the token request (tests inject sleep/random/timeouts). */
  http?: AuthRequestTuning;
}
