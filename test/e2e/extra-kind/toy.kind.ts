import { join } from 'node:path';
import { BearerAuthDto } from '../../../src/providers/connections/provider-connection.dto';
import { loadKindSandbox } from '../../../src/providers/port/kind-sandbox';
import type { ProviderKindDefinition } from '../../../src/providers/port/provider-kind';
import { ToyAdapter, TOY_CAPABILITIES } from './toy.adapter';
import { ToyConnectionDto } from './toy-connection.dto';

/**
 * A provider kind defined outside src/, the way a new kind's folder would be:
 * this definition is all the broker is given (by broker-main.ts, or by a test
 * calling the sandbox), and everything that lists kinds derives from it.
 */
export const toyKind: ProviderKindDefinition = {
  kind: 'toy-cloud',
  connection: ToyConnectionDto,
  auth: { bearer: BearerAuthDto },
  capabilities: TOY_CAPABILITIES,
  // The adapter runtime (breaker, limiter, observer) is for the broker's HTTP client, which the toy does not use.
  create: (connection) => new ToyAdapter(connection as unknown as ToyConnectionDto),
  sandbox: () => loadKindSandbox(join(__dirname, 'emulator', 'sandbox')),
};
