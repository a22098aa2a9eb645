import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import type { StagingConfig } from '../config/app-config';

export interface EmbeddedS3 {
  /** The STAGING_S3_* variables that point the broker at this store. */
  env: Record<string, string>;
  endpoint: string;
  close(): Promise<void>;
}

/**
 * An S3-compatible store on 127.0.0.1 (s3rver, files in a temporary
 * directory), for the sandbox and the tests: the broker talks to it with the
 * same AWS SDK code it uses against a real bucket.
 */
export async function startEmbeddedS3(bucket = 'image-broker-staging'): Promise<EmbeddedS3> {
  const directory = mkdtempSync(join(tmpdir(), 'ib-s3-'));
  const server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  const { port } = (await server.run()) as { port: number };
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    env: {
      STAGING_S3_ENDPOINT: endpoint,
      STAGING_S3_BUCKET: bucket,
      STAGING_S3_REGION: 'us-east-1',
      STAGING_S3_ACCESS_KEY_ID: 'S3RVER',
      STAGING_S3_SECRET_ACCESS_KEY: 'S3RVER',
    },
    close: async () => {
      // Idle keep-alive sockets (Node's global agent keeps them) would hold close() open until they time out.
      (server as unknown as { httpServer?: { closeAllConnections(): void } }).httpServer?.closeAllConnections();
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** The staging configuration for an embedded store, as the broker would parse it from its `env`. */
export function embeddedStagingConfig(s3: Pick<EmbeddedS3, 'env'>, segmentBytes = 64 * 1024 * 1024): StagingConfig {
  return {
    endpoint: s3.env.STAGING_S3_ENDPOINT,
    bucket: s3.env.STAGING_S3_BUCKET,
    region: s3.env.STAGING_S3_REGION,
    accessKeyId: s3.env.STAGING_S3_ACCESS_KEY_ID,
    secretAccessKey: s3.env.STAGING_S3_SECRET_ACCESS_KEY,
    segmentBytes,
  };
}
