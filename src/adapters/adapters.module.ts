import { Global, Module } from '@nestjs/common';
import type {
  FptConnection,
  GenesisConnection,
  GlanceConnection,
  NscaleConnection,
} from '../config/provider-connection.types';
import { ProviderConnectionsModule } from '../provider-connections/provider-connections.module';
import { ADAPTER_FACTORIES, type AdapterFactory } from '../provider-port/adapter-factory';
import { AdapterRuntimeFactory } from '../provider-port/adapter-runtime.factory';
import { ProviderRegistry } from '../provider-port/provider-registry.service';
import { FptAdapter } from './fpt-metal-cloud/fpt.adapter';
import { GenesisAdapter } from './genesis-cloud/genesis.adapter';
import { NscaleAdapter } from './nscale/nscale.adapter';
import { GlanceAdapter } from './openstack-glance/glance.adapter';

/** One factory per provider kind; adding a cloud adds a line here and a folder beside this file. */
const FACTORIES: AdapterFactory[] = [
  { kind: 'openstack-glance', create: (c, http) => new GlanceAdapter(c as GlanceConnection, { http }) },
  { kind: 'fpt-metal-cloud', create: (c, http) => new FptAdapter(c as FptConnection, { http }) },
  { kind: 'genesis-cloud', create: (c, http) => new GenesisAdapter(c as GenesisConnection, { http }) },
  { kind: 'nscale', create: (c, http) => new NscaleAdapter(c as NscaleConnection, { http }) },
];

@Global()
@Module({
  imports: [ProviderConnectionsModule],
  providers: [{ provide: ADAPTER_FACTORIES, useValue: FACTORIES }, AdapterRuntimeFactory, ProviderRegistry],
  exports: [ProviderRegistry],
})
export class AdaptersModule {}
