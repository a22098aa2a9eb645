import type { ProviderConnectionConfig } from '../connections/provider-connection.types';
import type { BreakerSettings } from '../../platform/outbound-http/connection-policy';
import type { ConcurrencyLimiter } from '../../platform/outbound-http/concurrency-limiter';
import type { ProviderCallObserver } from '../../platform/outbound-http/provider-call-observer';
import type { ProviderAdapter } from './provider.port';

/** What the broker hands every adapter for its connection's policy and HTTP client. */
export interface AdapterRuntime {
  breaker: BreakerSettings;
  /** Calls in flight from this process (the policy's bulkhead). */
  maxConcurrentCalls: number;
  /** Calls in flight from every replica. */
  limiter: ConcurrencyLimiter;
  observer: ProviderCallObserver;
}

/** Builds the adapter of one provider kind from a validated connection (part of its ProviderKindDefinition). */
export interface AdapterFactory {
  readonly kind: string;
  /** `connection` has passed this kind's own validation classes, so its kind-specific fields are there. */
  create(connection: ProviderConnectionConfig, runtime: AdapterRuntime): ProviderAdapter;
}
