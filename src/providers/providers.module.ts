import { Module } from '@nestjs/common';
import type {
  FptConnection,
  GenesisConnection,
  GlanceConnection,
  NscaleConnection,
} from './connections/provider-connection.types';
import { ProviderConnectionStore } from './connections/provider-connection.store';
import { ProviderConnectionsService } from './connections/provider-connections.service';
import { ADAPTER_FACTORIES, type AdapterFactory } from './port/adapter-factory';
import { AdapterRuntimeFactory } from './port/adapter-runtime.factory';
import { ProviderRegistry } from './port/provider-registry.service';
import { FptAdapter } from './kinds/fpt-metal-cloud/fpt.adapter';
import { GenesisAdapter } from './kinds/genesis-cloud/genesis.adapter';
import { NscaleAdapter } from './kinds/nscale/nscale.adapter';
import { GlanceAdapter } from './kinds/openstack-glance/glance.adapter';

/** One factory per provider kind; adding a cloud adds a line here and a folder beside this file. */
const FACTORIES: AdapterFactory[] = [
  { kind: 'openstack-glance', create: (c, http) => new GlanceAdapter(c as GlanceConnection, { http }) },
  { kind: 'fpt-metal-cloud', create: (c, http) => new FptAdapter(c as FptConnection, { http }) },
  { kind: 'genesis-cloud', create: (c, http) => new GenesisAdapter(c as GenesisConnection, { http }) },
  { kind: 'nscale', create: (c, http) => new NscaleAdapter(c as NscaleConnection, { http }) },
];

@Module({
  providers: [
    { provide: ADAPTER_FACTORIES, useValue: FACTORIES },
    AdapterRuntimeFactory,
    ProviderRegistry,
    ProviderConnectionStore,
    ProviderConnectionsService,
  ],
  exports: [ProviderRegistry, ProviderConnectionsService],
})
export class ProvidersModule {}
