import { BrokerProcess } from '../../../harness/broker-process';
import { startEmbeddedS3, type EmbeddedS3 } from '../../../sandbox/embedded-s3';
import { CountingProxy } from '../../../test/support/counting-proxy';
import { glanceProvidersYaml, NHN_TOKEN, startGlancePair } from '../../../test/support/glance-fixtures';

/**
 * What the SDK's and the CLI's tests run against: a broker (API and worker in
 * one process) with the NHN and Vietnix Glance emulators, staging on s3rver
 * behind a counting proxy (so a test sees every part a client PUT to a
 * presigned URL, and how often).
 */
export interface BrokerWithEmulators {
  broker: BrokerProcess;
  /** The proxy every presigned part URL points at. */
  parts: CountingProxy;
  stop(): Promise<void>;
}

export async function startBrokerWithEmulators(
  label: string,
  env: Record<string, string> = {},
): Promise<BrokerWithEmulators> {
  const s3: EmbeddedS3 = await startEmbeddedS3();
  const parts = await CountingProxy.start(s3.env.STAGING_S3_ENDPOINT);
  const glance = await startGlancePair({ nhn: 2, standard: 2 });
  const broker = await BrokerProcess.start({
    label,
    providersYaml: glanceProvidersYaml(glance.nhnUrl, glance.standardUrl),
    env: { NHN_TOKEN, ...s3.env, STAGING_S3_ENDPOINT: parts.url, ...env },
  });
  return {
    broker,
    parts,
    async stop() {
      await broker.stop();
      await Promise.all([glance.nhn.close(), glance.standard.close()]);
      await parts.close();
      await s3.close();
    },
  };
}
