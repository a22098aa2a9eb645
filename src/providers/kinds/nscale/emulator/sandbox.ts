import type { KindSandbox } from '../../../port/kind-sandbox';
import { createNscaleEmulator } from './nscale.emulator';
import { generateNscaleSeed } from './nscale-seed';

const NSCALE_ORG = '9f1c2d3e-aaaa-bbbb-cccc-0123456789ab';
const NSCALE_REGIONS = ['2b3a9b56-4c2f-4a6b-9a55-7a8e4c1b9d01', '7d1e2f3a-1111-4222-8333-444455556666'];

/** One Nscale organization over two regions, by OAuth2 client credentials (size key `nscale`). */
export const sandbox = {
  async start({ sizes = {}, sizeForAll }) {
    const nscaleClient = { clientId: 'image-broker-sandbox', clientSecret: 'sandbox-nscale-secret' };
    const nscale = createNscaleEmulator({
      organizationId: NSCALE_ORG,
      regionIds: NSCALE_REGIONS,
      oauth2: { ...nscaleClient, tokenTtlSeconds: 300 },
      images: generateNscaleSeed({
        count: sizeForAll ?? sizes.nscale ?? 200,
        seed: 5,
        regionIds: NSCALE_REGIONS,
        organizationId: NSCALE_ORG,
      }),
    });
    const nscaleUrl = await nscale.listen();
    return {
      connections: [
        {
          name: 'nscale-eu',
          yaml: `  - name: nscale-eu
    kind: nscale
    endpoint: ${nscaleUrl}
    regions: [${NSCALE_REGIONS.join(', ')}]
    organizationId: ${NSCALE_ORG}
    auth:
      type: oauth2-client-credentials
      tokenUrl: ${nscaleUrl}/oauth2/v2/token
      clientId: ${nscaleClient.clientId}
      clientSecret: "\${env:SANDBOX_NSCALE_CLIENT_SECRET}"
`,
          describe: `nscale-eu    nscale (OAuth2 client credentials)   ${nscaleUrl}`,
          faults: nscale.faults,
        },
      ],
      env: { SANDBOX_NSCALE_CLIENT_SECRET: nscaleClient.clientSecret },
      close: () => nscale.close(),
    };
  },
} satisfies KindSandbox;
