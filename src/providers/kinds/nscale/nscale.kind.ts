import { join } from 'node:path';
import { BearerAuthDto, OAuth2ClientCredentialsAuthDto } from '../../connections/provider-connection.dto';
import { loadKindSandbox } from '../../port/kind-sandbox';
import type { ProviderKindDefinition } from '../../port/provider-kind';
import { NscaleAdapter, NSCALE_CAPABILITIES } from './nscale.adapter';
import { NscaleConnectionDto } from './nscale-connection.dto';

/** Nscale: images of an organization across regions, by bearer token or OAuth2 client credentials. */
export const nscaleKind: ProviderKindDefinition = {
  kind: 'nscale',
  connection: NscaleConnectionDto,
  auth: { bearer: BearerAuthDto, 'oauth2-client-credentials': OAuth2ClientCredentialsAuthDto },
  capabilities: NSCALE_CAPABILITIES,
  create: (connection, http) => new NscaleAdapter(connection as NscaleConnectionDto, { http }),
  sandbox: () => loadKindSandbox(join(__dirname, 'emulator', 'sandbox')),
};
