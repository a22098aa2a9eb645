import type { KindSandbox } from '../../../port/kind-sandbox';
import { createFptEmulator } from './fpt.emulator';
import { generateFptSeed } from './fpt-seed';

const FPT_VPC = '0f6c1f2e-3b4a-4d5e-8f90-123456789abc';

/**
 * One FPT cloud (size key `fpt`). With an S3 endpoint, its presigned part URLs
 * land in a real multipart upload there; without, on the emulator's own disk.
 */
export const sandbox = {
  async start({ sizes = {}, sizeForAll, s3Endpoint }) {
    const fptToken = 'sandbox-fpt-token';
    const fpt = createFptEmulator({
      vpcId: FPT_VPC,
      tokens: [fptToken],
      partSizeBytes: 16 * 1024 * 1024,
      s3PartStore: s3Endpoint
        ? {
            endpoint: s3Endpoint,
            bucket: 'fpt-emulator-parts',
            region: 'us-east-1',
            accessKeyId: 'S3RVER',
            secretAccessKey: 'S3RVER',
          }
        : undefined,
      ...generateFptSeed({ count: sizeForAll ?? sizes.fpt ?? 150, seed: 3, vpcId: FPT_VPC }),
    });
    const fptUrl = await fpt.listen();
    return {
      connections: [
        {
          name: 'fpt-hcm',
          yaml: `  - name: fpt-hcm
    kind: fpt-metal-cloud
    endpoint: ${fptUrl}
    vpcId: ${FPT_VPC}
    region: hcm
    auth: { type: bearer, token: "\${env:SANDBOX_FPT_TOKEN}" }
`,
          describe: `fpt-hcm      fpt-metal-cloud                      ${fptUrl}`,
          faults: fpt.faults,
        },
      ],
      env: { SANDBOX_FPT_TOKEN: fptToken },
      close: () => fpt.close(),
    };
  },
} satisfies KindSandbox;
