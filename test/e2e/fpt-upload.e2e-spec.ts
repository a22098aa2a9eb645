import { BrokerProcess, WRITER_SECRET } from '../../harness/broker-process';
import { connectDatabase } from '../../harness/isolated-resources';
import { startEmbeddedS3, type EmbeddedS3 } from '../../src/sandbox/embedded-s3';
import { createFptEmulator } from '../../src/sandbox/emulators/fpt-metal-cloud/fpt.emulator';
import { CountingProxy } from '../support/counting-proxy';
import { TestImageBytes } from '../support/image-bytes';

const VPC = '0f6c1f2e-3b4a-4d5e-8f90-123456789abc';
const TOKEN = 'fpt-test-token';
const PART = 8 * 1024 * 1024;

interface Image {
  id: string;
  nativeId: string;
  status: string;
  kind: string;
  sizeBytes: number | null;
  checksums: { sha256: string | null };
}

describe('uploads to FPT Metal Cloud', () => {
  let staging: EmbeddedS3;
  let fptS3: EmbeddedS3;
  let proxy: CountingProxy;
  let fpt: ReturnType<typeof createFptEmulator>;
  let api: BrokerProcess;
  let worker: BrokerProcess;

  async function putFile(id: string, bytes: TestImageBytes): Promise<{ status: number; body: { id: string } }> {
    const res = await fetch(`${api.url}/v1/images/${id}/file`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${WRITER_SECRET}`, 'content-type': 'application/octet-stream' },
      body: bytes.stream() as unknown as RequestInit['body'],
      duplex: 'half',
    } as RequestInit);
    return { status: res.status, body: (await res.json()) as { id: string } };
  }

  async function recordedParts(): Promise<number[]> {
    const db = await connectDatabase(api.databaseUrl);
    try {
      const { rows } = await db.query<{ part_number: number }>(
        'SELECT part_number FROM upload_parts ORDER BY part_number',
      );
      return rows.map((r) => r.part_number);
    } finally {
      await db.end();
    }
  }

  const startWorker = () =>
    BrokerProcess.start({ label: 'fpt-worker', role: 'worker', shareWith: api, env: { JOB_LOCK_DURATION_MS: '3000' } });

  beforeAll(async () => {
    staging = await startEmbeddedS3('staging');
    fptS3 = await startEmbeddedS3('fpt-parts');
    proxy = await CountingProxy.start(fptS3.endpoint);
    fpt = createFptEmulator({
      vpcId: VPC,
      tokens: [TOKEN],
      partSizeBytes: PART,
      s3PartStore: {
        endpoint: proxy.url,
        bucket: 'fpt-parts',
        region: 'us-east-1',
        accessKeyId: 'S3RVER',
        secretAccessKey: 'S3RVER',
      },
    });
    const fptUrl = await fpt.listen();
    api = await BrokerProcess.start({
      label: 'fpt-api',
      role: 'api',
      providersYaml: `providers:\n  - name: fpt-hcm\n    kind: fpt-metal-cloud\n    endpoint: ${fptUrl}\n    vpcId: ${VPC}\n    region: hcm\n    auth: { type: bearer, token: ${TOKEN} }\n`,
      env: { ...staging.env },
    });
    worker = await startWorker();
  });
  afterAll(async () => {
    await worker?.stop();
    await api?.stop();
    await fpt?.close();
    await proxy?.close();
    await fptS3?.close();
    await staging?.close();
  });

  it('refuses to register without the size and sha256 FPT needs, naming them', async () => {
    const res = await api.api<{ detail: string }>('/v1/images', {
      method: 'POST',
      body: { provider: 'fpt-hcm', name: 'no-digest' },
      secret: WRITER_SECRET,
    });
    expect(res.status).toBe(422);
    expect(res.body.detail).toMatch(/sizeBytes/);
    expect(res.body.detail).toMatch(/sha256/);
  });

  it('registers, uploads part by part through presigned URLs, completes, and ends active with the sha256', async () => {
    const bytes = new TestImageBytes(3 * PART + 4321, 'fpt-small');
    const image = (
      await api.api<Image>('/v1/images', {
        method: 'POST',
        body: { provider: 'fpt-hcm', name: 'fpt-small', sizeBytes: bytes.sizeBytes, sha256: bytes.sha256 },
        secret: WRITER_SECRET,
      })
    ).body;
    expect(image).toMatchObject({ kind: 'custom', status: 'pending' });
    const put = await putFile(image.id, bytes);
    expect(put.status).toBe(202);
    expect((await api.waitForJob(put.body.id, 60_000)).state).toBe('succeeded');
    const done = (await api.api<Image>(`/v1/images/${image.id}`)).body;
    expect(done).toMatchObject({ status: 'active', sizeBytes: bytes.sizeBytes, checksums: { sha256: bytes.sha256 } });
  });

  it('resumes an FPT upload at the first missing part after its worker is killed, and ends with the right checksum', async () => {
    const bytes = new TestImageBytes(24 * PART, 'fpt-resume');
    const image = (
      await api.api<Image>('/v1/images', {
        method: 'POST',
        body: { provider: 'fpt-hcm', name: 'fpt-resume', sizeBytes: bytes.sizeBytes, sha256: bytes.sha256 },
        secret: WRITER_SECRET,
      })
    ).body;
    proxy.partPuts.clear();
    const put = await putFile(image.id, bytes);
    expect(put.status).toBe(202);

    // Kill the worker with SIGKILL once a few parts are recorded, long before the last.
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && (await recordedParts()).length < 3) {
      await new Promise((r) => setTimeout(r, 10));
    }
    worker.signal('SIGKILL');
    await worker.waitForExit();
    const before = await recordedParts();
    expect(before.length).toBeGreaterThanOrEqual(3);
    expect(before.length).toBeLessThan(24);

    worker = await startWorker();
    const job = await api.waitForJob(put.body.id, 120_000);
    expect(job.state).toBe('succeeded');
    const done = (await api.api<Image>(`/v1/images/${image.id}`)).body;
    expect(done).toMatchObject({ status: 'active', checksums: { sha256: bytes.sha256 } });
    // Every part recorded before the kill was sent exactly once; the new worker sent only the rest.
    for (const part of before) expect([part, proxy.partPuts.get(part)]).toEqual([part, 1]);
    expect([...proxy.partPuts.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
  });
});
