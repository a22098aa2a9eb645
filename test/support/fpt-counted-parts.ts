import { connectDatabase } from '../../harness/isolated-resources';
import { startEmbeddedS3 } from '../../sandbox/embedded-s3';
import { createFptEmulator } from '../../src/providers/kinds/fpt-metal-cloud/emulator/fpt.emulator';
import { CountingProxy } from './counting-proxy';

export interface FptWithCountedParts {
  fpt: ReturnType<typeof createFptEmulator>;
  url: string;
  /** Counts every part PUT that reaches FPT's S3 part store, by part number. */
  proxy: CountingProxy;
  close(): Promise<void>;
}

/**
 * An FPT emulator whose presigned URLs are backed by a real multipart upload
 * on s3rver, with a counting proxy in between, so a test can tell which parts
 * were sent and how often (resumes must not send a recorded part again).
 */
export async function startFptWithCountedParts(options: {
  vpcId: string;
  token: string;
  partSizeBytes: number;
}): Promise<FptWithCountedParts> {
  const partStore = await startEmbeddedS3('fpt-parts');
  const proxy = await CountingProxy.start(partStore.endpoint);
  const fpt = createFptEmulator({
    vpcId: options.vpcId,
    tokens: [options.token],
    partSizeBytes: options.partSizeBytes,
    s3PartStore: {
      endpoint: proxy.url,
      bucket: 'fpt-parts',
      region: 'us-east-1',
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
    },
  });
  const url = await fpt.listen();
  return {
    fpt,
    url,
    proxy,
    close: async () => {
      await fpt.close();
      await proxy.close();
      await partStore.close();
    },
  };
}

/** The FPT parts recorded in PostgreSQL for one job's push (what a resume starts from). */
export async function recordedFptParts(databaseUrl: string, jobId: string): Promise<number[]> {
  const db = await connectDatabase(databaseUrl);
  try {
    const { rows } = await db.query<{ part_number: number }>(
      'SELECT p.part_number FROM upload_parts p JOIN uploads u ON u.id = p.upload_id WHERE u.job_id = $1 ORDER BY 1',
      [jobId],
    );
    return rows.map((r) => r.part_number);
  } finally {
    await db.end();
  }
}
