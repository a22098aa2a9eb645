import type { KindSandbox } from '../../../port/kind-sandbox';
import { createGlanceEmulator } from './glance.emulator';
import { generateGlanceSeed } from './glance-seed';

const NHN_PROJECT = 'c289b99209ca4e189095cdecebbd092d';
const VIETNIX_PROJECT = 'f33507157a634f1cac71e06a70fb558e';

/** Two Glance clouds: NHN's dialect by static token (size key `nhn`), the standard one by Keystone (`vietnix`). */
export const sandbox = {
  async start({ sizes = {}, sizeForAll }) {
    const nhnToken = 'sandbox-nhn-token';
    const nhn = createGlanceEmulator({
      dialect: 'nhn',
      tokens: [nhnToken],
      owner: NHN_PROJECT,
      images: generateGlanceSeed({
        dialect: 'nhn',
        count: sizeForAll ?? sizes.nhn ?? 120,
        seed: 1,
        owner: NHN_PROJECT,
        region: 'kr1',
      }),
    });
    const keystone = { username: 'image-broker', password: 'sandbox-password', projectId: VIETNIX_PROJECT };
    const vietnix = createGlanceEmulator({
      dialect: 'standard',
      keystone,
      owner: VIETNIX_PROJECT,
      images: generateGlanceSeed({
        dialect: 'standard',
        count: sizeForAll ?? sizes.vietnix ?? 130,
        seed: 2,
        owner: VIETNIX_PROJECT,
        region: 'hcm1',
      }),
    });
    const [nhnUrl, vietnixUrl] = await Promise.all([nhn.listen(), vietnix.listen()]);
    return {
      connections: [
        {
          name: 'nhn-kr1',
          yaml: `  - name: nhn-kr1
    kind: openstack-glance
    dialect: nhn
    endpoint: ${nhnUrl}
    region: kr1
    auth: { type: token, token: "\${env:SANDBOX_NHN_TOKEN}" }
`,
          describe: `nhn-kr1      openstack-glance (nhn dialect)       ${nhnUrl}`,
          faults: nhn.faults,
        },
        {
          name: 'vietnix-hcm',
          yaml: `  - name: vietnix-hcm
    kind: openstack-glance
    dialect: standard
    endpoint: ${vietnixUrl}
    region: hcm1
    auth:
      type: keystone
      authUrl: ${vietnixUrl}/v3
      username: ${keystone.username}
      password: "\${env:SANDBOX_VIETNIX_PASSWORD}"
      projectId: ${VIETNIX_PROJECT}
`,
          describe: `vietnix-hcm  openstack-glance (standard, keystone) ${vietnixUrl}`,
          faults: vietnix.faults,
        },
      ],
      env: { SANDBOX_NHN_TOKEN: nhnToken, SANDBOX_VIETNIX_PASSWORD: keystone.password },
      close: async () => {
        await Promise.all([nhn.close(), vietnix.close()]);
      },
    };
  },
} satisfies KindSandbox;
