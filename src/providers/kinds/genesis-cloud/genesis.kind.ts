import { join } from 'node:path';
import { BearerAuthDto } from '../../connections/provider-connection.dto';
import { loadKindSandbox } from '../../port/kind-sandbox';
import type { ProviderKindDefinition } from '../../port/provider-kind';
import { GenesisAdapter, GENESIS_CAPABILITIES } from './genesis.adapter';
import { GenesisConnectionDto } from './genesis-connection.dto';

/** Genesis Cloud: a read-only catalogue behind a bearer token. */
export const genesisKind: ProviderKindDefinition = {
  kind: 'genesis-cloud',
  connection: GenesisConnectionDto,
  auth: { bearer: BearerAuthDto },
  capabilities: GENESIS_CAPABILITIES,
  create: (connection, http) => new GenesisAdapter(connection as GenesisConnectionDto, { http }),
  sandbox: () => loadKindSandbox(join(__dirname, 'emulator', 'sandbox')),
};
