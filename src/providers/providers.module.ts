import { Module } from '@nestjs/common';
import { ProviderConnectionStore } from './connections/provider-connection.store';
import { ProviderConnectionsService } from './connections/provider-connections.service';
import { ProvidersFileConnections } from './connections/providers-file-connections';
import { AdapterRuntimeFactory } from './port/adapter-runtime.factory';
import { ProviderRegistry } from './port/provider-registry.service';

/**
 * Provider connections and their adapters. The kinds (PROVIDER_KIND_DEFINITIONS)
 * are provided by AppModule.forRoot, PROVIDER_KINDS unless a test adds one.
 */
@Module({
  providers: [
    AdapterRuntimeFactory,
    ProviderRegistry,
    ProviderConnectionStore,
    ProviderConnectionsService,
    ProvidersFileConnections,
  ],
  exports: [ProviderRegistry, ProviderConnectionsService, ProviderConnectionStore],
})
export class ProvidersModule {}
