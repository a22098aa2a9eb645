import { Global, Module } from '@nestjs/common';
import type {
  FptConnection,
  GenesisConnection,
  GlanceConnection,
  NscaleConnection,
  ProviderConnectionConfig,
} from '../config/provider-connection.types';
import { ADAPTER_FACTORIES, type AdapterFactory } from '../provider-port/adapter-factory';
import { ProviderRegistry } from '../provider-port/provider-registry.service';
import { createFptAdapter } from './fpt-metal-cloud/fpt.adapter';
import { createGenesisAdapter } from './genesis-cloud/genesis.adapter';
import { createNscaleAdapter } from './nscale/nscale.adapter';
import { createGlanceAdapter } from './openstack-glance/glance.adapter';

/** One factory per provider kind; adding a cloud adds a line here and a folder beside this file. */
const FACTORIES: AdapterFactory[] = [
  { kind: 'openstack-glance', create: (c: ProviderConnectionConfig) => createGlanceAdapter(c as GlanceConnection) },
  { kind: 'fpt-metal-cloud', create: (c: ProviderConnectionConfig) => createFptAdapter(c as FptConnection) },
  { kind: 'genesis-cloud', create: (c: ProviderConnectionConfig) => createGenesisAdapter(c as GenesisConnection) },
  { kind: 'nscale', create: (c: ProviderConnectionConfig) => createNscaleAdapter(c as NscaleConnection) },
];

@Global()
@Module({
  providers: [{ provide: ADAPTER_FACTORIES, useValue: FACTORIES }, ProviderRegistry],
  exports: [ProviderRegistry],
})
export class AdaptersModule {}
