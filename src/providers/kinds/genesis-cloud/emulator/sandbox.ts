import type { KindSandbox } from '../../../port/kind-sandbox';
import { createGenesisEmulator } from './genesis.emulator';
import { generateGenesisSeed } from './genesis-seed';

/** One Genesis Cloud (size key `genesis`). */
export const sandbox = {
  async start({ sizes = {}, sizeForAll }) {
    const genesisToken = 'sandbox-genesis-token';
    const genesis = createGenesisEmulator({
      tokens: [genesisToken],
      images: generateGenesisSeed({ count: sizeForAll ?? sizes.genesis ?? 80, seed: 4 }),
    });
    const genesisUrl = await genesis.listen();
    return {
      connections: [
        {
          name: 'genesis',
          yaml: `  - name: genesis
    kind: genesis-cloud
    endpoint: ${genesisUrl}
    auth: { type: bearer, token: "\${env:SANDBOX_GENESIS_TOKEN}" }
`,
          describe: `genesis      genesis-cloud                        ${genesisUrl}`,
          faults: genesis.faults,
        },
      ],
      env: { SANDBOX_GENESIS_TOKEN: genesisToken },
      close: () => genesis.close(),
    };
  },
} satisfies KindSandbox;
