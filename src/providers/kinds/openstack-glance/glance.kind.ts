import { join } from 'node:path';
import { KeystoneAuthDto, TokenAuthDto } from '../../connections/provider-connection.dto';
import { loadKindSandbox } from '../../port/kind-sandbox';
import type { ProviderKindDefinition } from '../../port/provider-kind';
import { GlanceAdapter, GLANCE_CAPABILITIES } from './glance.adapter';
import { GlanceConnectionDto } from './glance-connection.dto';

/** OpenStack Glance (NHN Cloud's dialect and the standard one), by static token or Keystone password. */
export const glanceKind: ProviderKindDefinition = {
  kind: 'openstack-glance',
  connection: GlanceConnectionDto,
  auth: { token: TokenAuthDto, keystone: KeystoneAuthDto },
  capabilities: GLANCE_CAPABILITIES,
  create: (connection, http) => new GlanceAdapter(connection as GlanceConnectionDto, { http }),
  sandbox: () => loadKindSandbox(join(__dirname, 'emulator', 'sandbox')),
};
