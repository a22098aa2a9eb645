import type { ProviderConnectionConfig } from '../connections/provider-connection.types';
import type { CircuitBreaker } from '../../platform/outbound-http/circuit-breaker';
import type { ConcurrencyLimiter } from '../../platform/outbound-http/concurrency-limiter';
import type { ProviderCallObserver } from '../../platform/outbound-http/provider-call-observer';
import type { ProviderAdapter } from './provider.port';

/** What the broker hands every adapter's HTTP client for one connection. */
export interface AdapterRuntime {
  breaker: CircuitBreaker;
  limiter: ConcurrencyLimiter;
  observer: ProviderCallObserver;
}

/** Builds the adapter of one provider kind from a validated connection (part of its ProviderKindDefinition). */
export interface AdapterFactory {
  readonly kind: string;
  /** `connection` has passed this kind's own validation classes, so its kind-specific fields are there. */
  create(connection: ProviderConnectionConfig, runtime: AdapterRuntime): ProviderAdapter;
}
