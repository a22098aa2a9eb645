import type { ProviderConnectionConfig } from '../config/provider-connection.types';
import type { ProviderAdapter } from './provider.port';

/** Builds the adapter of one provider kind from a validated connection. */
export interface AdapterFactory {
  readonly kind: ProviderConnectionConfig['kind'];
  create(connection: ProviderConnectionConfig): ProviderAdapter;
}

/** Injection token under which every adapter factory is collected. */
export const ADAPTER_FACTORIES = Symbol('ADAPTER_FACTORIES');
