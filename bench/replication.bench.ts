import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrokerProcess, WRITER_SECRET } from '../harness/broker-process';
import { connectDatabase } from '../harness/isolated-resources';
import type { EmbeddedS3 } from '../sandbox/embedded-s3';
import { startS3Child } from './s3-child';
import { createFptEmulator } from '../src/providers/kinds/fpt-metal-cloud/emulator/fpt.emulator';
import { createGlanceEmulator } from '../src/providers/kinds/openstack-glance/emulator/glance.emulator';
import { curlPutImageFile, curlPutToGlance } from './curl-put';
import { RssSampler } from './rss-sampler';
import { timed, writeTestFile } from './test-file';

const GiB = 1024 * 1024 * 1024;
const TOKEN = 'bench-token';
const FPT_TOKEN = 'bench-fpt-token';
const VPC = '0f6c1f2e-3b4a-4d5e-8f90-0000000be4c4';
const OWNER = 'bench0000000000000000000000000004';
/** Parts the broker's FPT adapter sends at once (its default), and so the baseline too. */
const FPT_PART_CONCURRENCY = 3;

interface Targets {
  glanceA: ReturnType<typeof createGlanceEmulator>;
  glanceB: ReturnType<typeof createGlanceEmulator>;
  fpt: ReturnType<typeof createFptEmulator>;
  fptParts: EmbeddedS3;
  urls: { glanceA: string; glanceB: string; fpt: string };
  close(): Promise<void>;
}

/**
 * Replication benchmark: one 1 GiB image in the catalogue (uploaded through
 * PUT /v1/images/{id}/file to a Glance emulator beforehand, not timed),
 * replicated with one POST /v1/images/{id}/replications to three targets at
 * once: two other Glance emulators and an FPT emulator whose presigned parts go
 * to an S3 part store (s3rver), as in production. API and worker are separate
 * processes, staging on s3rver. Timed from the POST until the jobs table shows
 * all three target jobs succeeded; MB/s is the bytes delivered to all targets
 * (3 × the image) over that time; the peak RSS of the API and the worker is
 * sampled every 100 ms meanwhile.
 *
 * Each target's job reads the source from the source Glance into its own
 * staging object (the upload's staged copy is removed once the upload is
 * pushed), checking it against the catalogue's checksums, then pushes it with
 * the target's own upload flow; so the broker moves each byte twice per target.
 *
 * Baseline, in the same run, against fresh emulators of the same kinds: a bare
 * copy of the same file to the three at once: `curl -T` to each Glance's upload
 * route (image created first), and the FPT protocol driven directly with Node
 * streams (register, presign, PUT 3 parts at a time, complete).
 * `BENCH_REPLICATION_GIB` changes the size (1).
 */
export async function replicationBenchmark(): Promise<string> {
  const gib = Number(process.env.BENCH_REPLICATION_GIB ?? 1);
  const size = Math.round(gib * GiB);
  const dir = mkdtempSync(join(tmpdir(), 'ib-bench-replication-'));
  const file = join(dir, 'image.bin');
  try {
    const sha256 = await writeTestFile(file, size);

    const broker = await replicateThroughBroker(file, size);
    const brokerMBs = (3 * size) / 1e6 / broker.seconds;
    console.log(
      `replication ${gib} GiB to 3 targets: broker ${broker.seconds.toFixed(1)} s = ${brokerMBs.toFixed(0)} MB/s delivered; peak RSS api ${broker.peaks.api?.toFixed(0)} MiB, worker ${broker.peaks.worker?.toFixed(0)} MiB`,
    );

    const bareSeconds = await bareCopy(file, size, sha256);
    const bareMBs = (3 * size) / 1e6 / bareSeconds;
    console.log(
      `replication ${gib} GiB to 3 targets: bare copy (curl -T ×2, FPT parts ×1) ${bareSeconds.toFixed(1)} s = ${bareMBs.toFixed(0)} MB/s delivered`,
    );
    return `replication: ${gib} GiB to 3 targets: broker ${brokerMBs.toFixed(0)} MB/s (${broker.seconds.toFixed(1)} s) vs bare copy ${bareMBs.toFixed(0)} MB/s (${bareSeconds.toFixed(1)} s): ratio ${(brokerMBs / bareMBs).toFixed(2)}; peak RSS worker ${broker.peaks.worker?.toFixed(0)} MiB, api ${broker.peaks.api?.toFixed(0)} MiB`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function replicateThroughBroker(
  file: string,
  size: number,
): Promise<{ seconds: number; peaks: Record<string, number> }> {
  const staging = await startS3Child();
  const source = createGlanceEmulator({ dialect: 'standard', tokens: [TOKEN], owner: OWNER });
  const sourceUrl = await source.listen();
  const targets = await startTargets();
  const glance = (name: string, url: string) =>
    `  - name: ${name}\n    kind: openstack-glance\n    dialect: standard\n    endpoint: ${url}\n    auth: { type: token, token: ${TOKEN} }\n`;
  const providersYaml =
    'providers:\n' +
    glance('glance-src', sourceUrl) +
    glance('glance-a', targets.urls.glanceA) +
    glance('glance-b', targets.urls.glanceB) +
    `  - name: fpt-hcm\n    kind: fpt-metal-cloud\n    endpoint: ${targets.urls.fpt}\n    vpcId: ${VPC}\n    region: hcm\n    auth: { type: bearer, token: ${FPT_TOKEN} }\n`;
  const api = await BrokerProcess.start({
    label: 'bench-replication',
    role: 'api',
    providersYaml,
    env: { ...staging.env, LOG_LEVEL: 'warn' },
  });
  let uploader: BrokerProcess | undefined;
  let replicaApi: BrokerProcess | undefined;
  let worker: BrokerProcess | undefined;
  try {
    uploader = await BrokerProcess.start({ label: 'bench-replication-uploader', role: 'worker', shareWith: api });

    // The source: a real image in the catalogue, uploaded through the broker (not timed).
    const image = await api.api<{ id: string }>('/v1/images', {
      method: 'POST',
      body: {
        provider: 'glance-src',
        name: 'bench-golden',
        diskFormat: 'raw',
        containerFormat: 'bare',
        sizeBytes: size,
      },
      secret: WRITER_SECRET,
    });
    const uploadJobId = await curlPutImageFile(api, image.body.id, file);
    const upload = await api.waitForJob(uploadJobId, 3_600_000);
    if (upload.state !== 'succeeded') throw new Error(`source upload ${upload.state}: ${upload.error?.message}`);
    // Fresh API and worker processes for the replication, so their peak RSS is the replication's alone.
    const fresh = await BrokerProcess.start({ label: 'bench-replication-api', role: 'api', shareWith: api });
    replicaApi = fresh;
    worker = await BrokerProcess.start({ label: 'bench-replication-worker', role: 'worker', shareWith: api });
    await uploader.stop();

    const db = await connectDatabase(api.databaseUrl);
    const sampler = new RssSampler({ api: fresh.pid, worker: worker.pid });
    let jobIds: Array<string | null> = [];
    try {
      const seconds = await timed(async () => {
        const res = await fresh.api<{ targets: Array<{ provider: string; jobId: string | null }> }>(
          `/v1/images/${image.body.id}/replications`,
          {
            method: 'POST',
            body: { targets: [{ provider: 'glance-a' }, { provider: 'glance-b' }, { provider: 'fpt-hcm' }] },
            secret: WRITER_SECRET,
          },
        );
        if (res.status !== 202) throw new Error(`replication: HTTP ${res.status} ${JSON.stringify(res.body)}`);
        jobIds = res.body.targets.map((t) => t.jobId);
        const deadline = Date.now() + 3_600_000;
        for (;;) {
          const { rows } = await db.query<{ state: string; error_message: string | null }>(
            'SELECT state, error_message FROM jobs WHERE id = ANY($1::uuid[])',
            [jobIds],
          );
          const ended = rows.filter((r) => r.state === 'failed' || r.state === 'cancelled');
          if (ended.length > 0) throw new Error(`replication failed: ${ended.map((r) => r.error_message).join('; ')}`);
          if (rows.length === 3 && rows.every((r) => r.state === 'succeeded')) break;
          if (Date.now() > deadline) throw new Error('replication did not end within an hour');
          await new Promise((r) => setTimeout(r, 50));
        }
      });
      const peaks = sampler.stop();
      const { rows } = await db.query<{ provider_name: string; seconds: number }>(
        `SELECT provider_name, extract(epoch FROM finished_at - started_at)::float AS seconds
           FROM jobs WHERE id = ANY($1::uuid[]) ORDER BY provider_name`,
        [jobIds],
      );
      console.log(
        `replication: each target's job ran ${rows.map((r) => `${r.provider_name} ${r.seconds.toFixed(1)} s`).join(', ')}`,
      );
      return { seconds, peaks };
    } finally {
      sampler.stop();
      await db.end();
    }
  } finally {
    await worker?.stop();
    await uploader?.stop();
    await replicaApi?.stop();
    await api.stop();
    await targets.close();
    await source.close();
    await staging.close();
  }
}

/** The same file to fresh emulators of the same three targets at once, without the broker. */
async function bareCopy(file: string, size: number, sha256: string): Promise<number> {
  const targets = await startTargets();
  try {
    return await timed(async () => {
      await Promise.all([
        curlPutToGlance(targets.urls.glanceA, TOKEN, file, 'bare-copy'),
        curlPutToGlance(targets.urls.glanceB, TOKEN, file, 'bare-copy'),
        uploadToFpt(targets.urls.fpt, file, size, sha256),
      ]);
    });
  } finally {
    await targets.close();
  }
}

async function startTargets(): Promise<Targets> {
  const fptParts = await startS3Child('fpt-parts');
  const glanceA = createGlanceEmulator({ dialect: 'standard', tokens: [TOKEN], owner: OWNER });
  const glanceB = createGlanceEmulator({ dialect: 'standard', tokens: [TOKEN], owner: OWNER });
  const fpt = createFptEmulator({
    vpcId: VPC,
    tokens: [FPT_TOKEN],
    s3PartStore: {
      endpoint: fptParts.endpoint,
      bucket: 'fpt-parts',
      region: 'us-east-1',
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
    },
  });
  const [a, b, f] = await Promise.all([glanceA.listen(), glanceB.listen(), fpt.listen()]);
  return {
    glanceA,
    glanceB,
    fpt,
    fptParts,
    urls: { glanceA: a, glanceB: b, fpt: f },
    close: async () => {
      await Promise.all([glanceA.close(), glanceB.close(), fpt.close()]);
      await fptParts.close();
    },
  };
}

/** FPT's upload protocol by hand: register, presigned URLs, the parts 3 at a time, complete. */
async function uploadToFpt(fptUrl: string, file: string, size: number, sha256: string): Promise<void> {
  const base = `${fptUrl}/api/v2/vmware/vpc/${VPC}/hpc/images`;
  const call = async <T>(method: string, url: string, body: unknown): Promise<T> => {
    const res = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${FPT_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`FPT ${method} ${url}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  await call('POST', `${base}/`, { name: 'bare-copy', size, sha256 });
  const { data: urls } = await call<{ data: string[] }>('POST', `${base}/presign-urls/`, { sha256 });
  const partSize = Math.ceil(size / urls.length);
  const etags: string[] = [];
  let next = 0;
  const sendParts = async (): Promise<void> => {
    for (let i = next++; i < urls.length; i = next++) {
      const start = i * partSize;
      const end = Math.min(size, start + partSize);
      etags[i] = await putRange(urls[i], file, start, end);
    }
  };
  await Promise.all(Array.from({ length: Math.min(FPT_PART_CONCURRENCY, urls.length) }, sendParts));
  await call('PUT', `${base}/${sha256}/`, { parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) });
}

/** PUTs bytes [start, end) of a file, streamed, with its Content-Length; resolves to the ETag. */
function putRange(url: string, file: string, start: number, end: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'PUT', headers: { 'content-length': end - start } }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`part PUT: HTTP ${res.statusCode}`));
        else resolve(String(res.headers.etag));
      });
    });
    req.on('error', reject);
    createReadStream(file, { start, end: end - 1 })
      .on('error', reject)
      .pipe(req);
  });
}
