import { join } from 'node:path';
import { BearerAuthDto } from '../../connections/provider-connection.dto';
import { loadKindSandbox } from '../../port/kind-sandbox';
import type { ProviderKindDefinition } from '../../port/provider-kind';
import { FptAdapter, FPT_CAPABILITIES } from './fpt.adapter';
import { FptConnectionDto } from './fpt-connection.dto';

/** FPT Metal Cloud: custom images of one VPC, uploaded in presigned parts. */
export const fptKind: ProviderKindDefinition = {
  kind: 'fpt-metal-cloud',
  connection: FptConnectionDto,
  auth: { bearer: BearerAuthDto },
  capabilities: FPT_CAPABILITIES,
  create: (connection, http) => new FptAdapter(connection as FptConnectionDto, { http }),
  sandbox: () => loadKindSandbox(join(__dirname, 'emulator', 'sandbox')),
};
