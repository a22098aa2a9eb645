import { Global, Module } from '@nestjs/common';
import type { GlanceConnection, ProviderConnectionConfig } from '../config/provider-connection.types';
import { ADAPTER_FACTORIES, type AdapterFactory } from '../provider-port/adapter-factory';
import { ProviderRegistry } from '../provider-port/provider-registry.service';
import { createGlanceAdapter } from './openstack-glance/glance.adapter';

/** One factory per provider kind; adding a cloud adds a line here and a folder beside this file. */
const FACTORIES: AdapterFactory[] = [
  { kind: 'openstack-glance', create: (c: ProviderConnectionConfig) => createGlanceAdapter(c as GlanceConnection) },
];

@Global()
@Module({
  providers: [{ provide: ADAPTER_FACTORIES, useValue: FACTORIES }, ProviderRegistry],
  exports: [ProviderRegistry],
})
export class AdaptersModule {}
