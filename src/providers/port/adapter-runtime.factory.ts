import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../../platform/config/app-config';
import type { ProviderConnectionConfig } from '../connections/provider-connection.types';
import { LEASES, type LeaseFactory } from '../../platform/coordination/lease';
import { DEFAULT_BREAKER } from '../../platform/outbound-http/connection-policy';
import { leasedCallLimiter } from '../../platform/outbound-http/concurrency-limiter';
import { BrokerMetrics } from '../../platform/metrics/broker-metrics';
import type { AdapterRuntime } from './adapter-factory';

/** Calls in flight to one connection when its config does not say. */
export const DEFAULT_MAX_CONCURRENT_CALLS = 8;
const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * The resilience settings every connection's policy gets: a circuit breaker
 * (per process), a concurrency limit held in Redis, so the limit is the same
 * however many replicas call the provider, and the metrics of every call.
 */
@Injectable()
export class AdapterRuntimeFactory {
  constructor(
    @Inject(LEASES) private readonly leases: LeaseFactory,
    private readonly config: AppConfig,
    private readonly metrics: BrokerMetrics,
  ) {}

  create(connection: ProviderConnectionConfig): AdapterRuntime {
    const timeoutMs = connection.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const maxConcurrentCalls = connection.maxConcurrentCalls ?? DEFAULT_MAX_CONCURRENT_CALLS;
    return {
      breaker: DEFAULT_BREAKER,
      maxConcurrentCalls,
      observer: this.metrics,
      limiter: leasedCallLimiter(this.leases, {
        key: `${this.config.redisPrefix}:provider-calls:${connection.name}`,
        limit: maxConcurrentCalls,
        leaseMs: timeoutMs + 5_000,
        maxWaitMs: Math.max(60_000, timeoutMs * 2),
      }),
    };
  }
}
