import { createGlanceEmulator } from './emulators/openstack-glance/glance.emulator';
import { generateGlanceSeed } from './emulators/openstack-glance/glance-seed';

export interface SandboxEmulators {
  providersYaml: string;
  /** Secrets the providers file references as ${env:NAME}. */
  env: Record<string, string>;
  providerNames: string[];
  describe(): string[];
  close(): Promise<void>;
}

const NHN_PROJECT = 'c289b99209ca4e189095cdecebbd092d';
const VIETNIX_PROJECT = 'f33507157a634f1cac71e06a70fb558e';

/** One emulator per provider connection of the sandbox, each seeded with a realistic catalogue. */
export async function startSandboxEmulators(): Promise<SandboxEmulators> {
  const nhnToken = 'sandbox-nhn-token';
  const nhn = createGlanceEmulator({
    dialect: 'nhn',
    tokens: [nhnToken],
    owner: NHN_PROJECT,
    images: generateGlanceSeed({ dialect: 'nhn', count: 120, seed: 1, owner: NHN_PROJECT, region: 'kr1' }),
  });
  const keystone = { username: 'image-broker', password: 'sandbox-password', projectId: VIETNIX_PROJECT };
  const vietnix = createGlanceEmulator({
    dialect: 'standard',
    keystone,
    owner: VIETNIX_PROJECT,
    images: generateGlanceSeed({ dialect: 'standard', count: 130, seed: 2, owner: VIETNIX_PROJECT, region: 'hcm1' }),
  });
  const [nhnUrl, vietnixUrl] = await Promise.all([nhn.listen(), vietnix.listen()]);
  const providersYaml = `# Written by npm run dev: the sandbox's emulated clouds.
providers:
  - name: nhn-kr1
    kind: openstack-glance
    dialect: nhn
    endpoint: ${nhnUrl}
    region: kr1
    auth: { type: token, token: "\${env:SANDBOX_NHN_TOKEN}" }
  - name: vietnix-hcm
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
`;
  return {
    providersYaml,
    env: { SANDBOX_NHN_TOKEN: nhnToken, SANDBOX_VIETNIX_PASSWORD: keystone.password },
    providerNames: ['nhn-kr1', 'vietnix-hcm'],
    describe: () => [
      `nhn-kr1      openstack-glance (nhn dialect)       ${nhnUrl}`,
      `vietnix-hcm  openstack-glance (standard, keystone) ${vietnixUrl}`,
    ],
    close: async () => {
      await Promise.all([nhn.close(), vietnix.close()]);
    },
  };
}
