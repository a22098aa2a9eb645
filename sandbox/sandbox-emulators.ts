import type { FaultInjector } from '../src/providers/emulator-kit/fault-injection';
import { createFptEmulator } from '../src/providers/kinds/fpt-metal-cloud/emulator/fpt.emulator';
import { generateFptSeed } from '../src/providers/kinds/fpt-metal-cloud/emulator/fpt-seed';
import { createGenesisEmulator } from '../src/providers/kinds/genesis-cloud/emulator/genesis.emulator';
import { generateGenesisSeed } from '../src/providers/kinds/genesis-cloud/emulator/genesis-seed';
import { createNscaleEmulator } from '../src/providers/kinds/nscale/emulator/nscale.emulator';
import { generateNscaleSeed } from '../src/providers/kinds/nscale/emulator/nscale-seed';
import { createGlanceEmulator } from '../src/providers/kinds/openstack-glance/emulator/glance.emulator';
import { generateGlanceSeed } from '../src/providers/kinds/openstack-glance/emulator/glance-seed';

export interface SandboxEmulators {
  providersYaml: string;
  /** Secrets the providers file references as ${env:NAME}. */
  env: Record<string, string>;
  providerNames: string[];
  /** Each connection's fault injector, to make a cloud slow, flaky or down at run time. */
  faults: Record<string, FaultInjector>;
  describe(): string[];
  close(): Promise<void>;
}

const NHN_PROJECT = 'c289b99209ca4e189095cdecebbd092d';
const VIETNIX_PROJECT = 'f33507157a634f1cac71e06a70fb558e';
const FPT_VPC = '0f6c1f2e-3b4a-4d5e-8f90-123456789abc';
const NSCALE_ORG = '9f1c2d3e-aaaa-bbbb-cccc-0123456789ab';
const NSCALE_REGIONS = ['2b3a9b56-4c2f-4a6b-9a55-7a8e4c1b9d01', '7d1e2f3a-1111-4222-8333-444455556666'];

/** One emulator per provider connection of the sandbox, each seeded with a realistic catalogue. */
/** Seed images per emulated connection. */
export interface SandboxSizes {
  nhn: number;
  vietnix: number;
  fpt: number;
  genesis: number;
  nscale: number;
}

/** A catalogue a newcomer can browse: a few hundred images, every kind of image on show. */
export const SANDBOX_SIZES: SandboxSizes = { nhn: 120, vietnix: 130, fpt: 150, genesis: 80, nscale: 200 };

/**
 * @param fptS3Endpoint an S3-compatible server to back FPT's presigned part URLs with a real multipart
 *   upload (the sandbox passes its embedded store); without it, parts go to the emulator's own disk.
 */
export async function startSandboxEmulators(
  sizes: SandboxSizes = SANDBOX_SIZES,
  fptS3Endpoint?: string,
): Promise<SandboxEmulators> {
  const nhnToken = 'sandbox-nhn-token';
  const nhn = createGlanceEmulator({
    dialect: 'nhn',
    tokens: [nhnToken],
    owner: NHN_PROJECT,
    images: generateGlanceSeed({ dialect: 'nhn', count: sizes.nhn, seed: 1, owner: NHN_PROJECT, region: 'kr1' }),
  });
  const keystone = { username: 'image-broker', password: 'sandbox-password', projectId: VIETNIX_PROJECT };
  const vietnix = createGlanceEmulator({
    dialect: 'standard',
    keystone,
    owner: VIETNIX_PROJECT,
    images: generateGlanceSeed({
      dialect: 'standard',
      count: sizes.vietnix,
      seed: 2,
      owner: VIETNIX_PROJECT,
      region: 'hcm1',
    }),
  });
  const fptToken = 'sandbox-fpt-token';
  const fpt = createFptEmulator({
    vpcId: FPT_VPC,
    tokens: [fptToken],
    partSizeBytes: 16 * 1024 * 1024,
    s3PartStore: fptS3Endpoint
      ? {
          endpoint: fptS3Endpoint,
          bucket: 'fpt-emulator-parts',
          region: 'us-east-1',
          accessKeyId: 'S3RVER',
          secretAccessKey: 'S3RVER',
        }
      : undefined,
    ...generateFptSeed({ count: sizes.fpt, seed: 3, vpcId: FPT_VPC }),
  });
  const genesisToken = 'sandbox-genesis-token';
  const genesis = createGenesisEmulator({
    tokens: [genesisToken],
    images: generateGenesisSeed({ count: sizes.genesis, seed: 4 }),
  });
  const nscaleClient = { clientId: 'image-broker-sandbox', clientSecret: 'sandbox-nscale-secret' };
  const nscale = createNscaleEmulator({
    organizationId: NSCALE_ORG,
    regionIds: NSCALE_REGIONS,
    oauth2: { ...nscaleClient, tokenTtlSeconds: 300 },
    images: generateNscaleSeed({ count: sizes.nscale, seed: 5, regionIds: NSCALE_REGIONS, organizationId: NSCALE_ORG }),
  });
  const [nhnUrl, vietnixUrl, fptUrl, genesisUrl, nscaleUrl] = await Promise.all([
    nhn.listen(),
    vietnix.listen(),
    fpt.listen(),
    genesis.listen(),
    nscale.listen(),
  ]);
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
  - name: fpt-hcm
    kind: fpt-metal-cloud
    endpoint: ${fptUrl}
    vpcId: ${FPT_VPC}
    region: hcm
    auth: { type: bearer, token: "\${env:SANDBOX_FPT_TOKEN}" }
  - name: genesis
    kind: genesis-cloud
    endpoint: ${genesisUrl}
    auth: { type: bearer, token: "\${env:SANDBOX_GENESIS_TOKEN}" }
  - name: nscale-eu
    kind: nscale
    endpoint: ${nscaleUrl}
    regions: [${NSCALE_REGIONS.join(', ')}]
    organizationId: ${NSCALE_ORG}
    auth:
      type: oauth2-client-credentials
      tokenUrl: ${nscaleUrl}/oauth2/v2/token
      clientId: ${nscaleClient.clientId}
      clientSecret: "\${env:SANDBOX_NSCALE_CLIENT_SECRET}"
`;
  return {
    providersYaml,
    env: {
      SANDBOX_NHN_TOKEN: nhnToken,
      SANDBOX_VIETNIX_PASSWORD: keystone.password,
      SANDBOX_FPT_TOKEN: fptToken,
      SANDBOX_GENESIS_TOKEN: genesisToken,
      SANDBOX_NSCALE_CLIENT_SECRET: nscaleClient.clientSecret,
    },
    providerNames: ['nhn-kr1', 'vietnix-hcm', 'fpt-hcm', 'genesis', 'nscale-eu'],
    faults: {
      'nhn-kr1': nhn.faults,
      'vietnix-hcm': vietnix.faults,
      'fpt-hcm': fpt.faults,
      genesis: genesis.faults,
      'nscale-eu': nscale.faults,
    },
    describe: () => [
      `nhn-kr1      openstack-glance (nhn dialect)       ${nhnUrl}`,
      `vietnix-hcm  openstack-glance (standard, keystone) ${vietnixUrl}`,
      `fpt-hcm      fpt-metal-cloud                      ${fptUrl}`,
      `genesis      genesis-cloud                        ${genesisUrl}`,
      `nscale-eu    nscale (OAuth2 client credentials)   ${nscaleUrl}`,
    ],
    close: async () => {
      await Promise.all([nhn.close(), vietnix.close(), fpt.close(), genesis.close(), nscale.close()]);
    },
  };
}
