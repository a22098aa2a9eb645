import type { KindSandbox } from '../../../../src/providers/port/kind-sandbox';
import { createToyEmulator } from './toy.emulator';
import { toySeed } from './toy-seed';

/** One toy cloud with one shelf, `attic` (size key `toy`, 3 images unless told). */
export const sandbox = {
  async start({ sizes = {}, sizeForAll }) {
    const token = 'sandbox-toy-token';
    const toy = createToyEmulator({ token, shelves: { attic: toySeed('attic', sizeForAll ?? sizes.toy ?? 3) } });
    const url = await toy.listen();
    return {
      connections: [
        {
          name: 'toy-attic',
          yaml: `  - name: toy-attic
    kind: toy-cloud
    endpoint: ${url}
    shelf: attic
    auth: { type: bearer, token: "\${env:SANDBOX_TOY_TOKEN}" }
`,
          describe: `toy-attic    toy-cloud (shelf attic)              ${url}`,
          faults: toy.faults,
        },
      ],
      env: { SANDBOX_TOY_TOKEN: token },
      close: () => toy.close(),
    };
  },
} satisfies KindSandbox;
