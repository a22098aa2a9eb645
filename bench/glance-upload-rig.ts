import { BrokerProcess } from '../harness/broker-process';
import { createGlanceEmulator } from '../src/providers/kinds/openstack-glance/emulator/glance.emulator';
import { startS3Child } from './s3-child';

const TOKEN = 'bench-token';

/**
 * What the upload benchmarks (transfer, cli) measure against: staging on
 * s3rver in a process of its own, one Glance emulator in this process (the
 * provider `glance`), and the broker's API and worker as separate processes.
 */
export interface GlanceUploadRig {
  api: BrokerProcess;
  worker: BrokerProcess;
  s3: Awaited<ReturnType<typeof startS3Child>>;
  glanceUrl: string;
  token: string;
  close(): Promise<void>;
}

export async function startGlanceUploadRig(label: string, owner: string): Promise<GlanceUploadRig> {
  const s3 = await startS3Child();
  const glance = createGlanceEmulator({ dialect: 'standard', tokens: [TOKEN], owner });
  const glanceUrl = await glance.listen();
  const api = await BrokerProcess.start({
    label,
    role: 'api',
    providersYaml: `providers:\n  - name: glance\n    kind: openstack-glance\n    dialect: standard\n    endpoint: ${glanceUrl}\n    auth: { type: token, token: ${TOKEN} }\n`,
    env: { ...s3.env },
  });
  const worker = await BrokerProcess.start({ label: `${label}-worker`, role: 'worker', shareWith: api });
  return {
    api,
    worker,
    s3,
    glanceUrl,
    token: TOKEN,
    async close() {
      await worker.stop();
      await api.stop();
      await glance.close();
      await s3.close();
    },
  };
}
