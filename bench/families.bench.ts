import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrokerProcess, READER_SECRET, WRITER_SECRET } from '../harness/broker-process';
import { connectDatabase } from '../harness/isolated-resources';
import { freePort } from '../harness/free-port';
import { createFptEmulator } from '../src/providers/kinds/fpt-metal-cloud/emulator/fpt.emulator';
import { createGlanceEmulator } from '../src/providers/kinds/openstack-glance/emulator/glance.emulator';
import { startChild } from './child-server';
import { curlPutImageFile } from './curl-put';
import { load } from './load';
import { startS3Child } from './s3-child';
import { timed, writeTestFile } from './test-file';

const MiB = 1024 * 1024;
const TOKEN = 'bench-token';
const FPT_TOKEN = 'bench-fpt-token';
const VPC = '0f6c1f2e-3b4a-4d5e-8f90-0000000be4c5';
const OWNER = 'bench0000000000000000000000000005';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

interface VersionBody {
  placements: Array<{ provider: string; status: string; error: { message: string } | null }>;
}

/** Emulators the broker talks to: a source Glance and, per set, two Glance targets and an FPT one. */
class Clouds {
  private readonly closers: Array<() => Promise<void>> = [];
  private yaml = 'providers:\n';

  async glance(name: string): Promise<void> {
    const glance = createGlanceEmulator({ dialect: 'standard', tokens: [TOKEN], owner: OWNER });
    const url = await glance.listen();
    this.closers.push(() => glance.close());
    this.yaml += `  - name: ${name}\n    kind: openstack-glance\n    dialect: standard\n    endpoint: ${url}\n    auth: { type: token, token: ${TOKEN} }\n`;
  }

  async fpt(name: string): Promise<void> {
    const parts = await startS3Child(`${name}-parts`);
    const fpt = createFptEmulator({
      vpcId: VPC,
      tokens: [FPT_TOKEN],
      s3PartStore: {
        endpoint: parts.endpoint,
        bucket: `${name}-parts`,
        region: 'us-east-1',
        accessKeyId: 'S3RVER',
        secretAccessKey: 'S3RVER',
      },
    });
    const url = await fpt.listen();
    this.closers.push(async () => {
      await fpt.close();
      await parts.close();
    });
    this.yaml += `  - name: ${name}\n    kind: fpt-metal-cloud\n    endpoint: ${url}\n    vpcId: ${VPC}\n    region: hcm\n    auth: { type: bearer, token: ${FPT_TOKEN} }\n`;
  }

  get providersYaml(): string {
    return this.yaml;
  }

  async close(): Promise<void> {
    for (const close of this.closers.reverse()) await close().catch(() => undefined);
  }
}

async function call<T>(broker: BrokerProcess, path: string, method: string, body: unknown, expect: number): Promise<T> {
  const res = await broker.api<T>(path, { method, body, secret: WRITER_SECRET });
  if (res.status !== expect) throw new Error(`${method} ${path}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** An image of `size` bytes uploaded to the source Glance through the broker (not timed); its broker id. */
async function sourceImage(broker: BrokerProcess, file: string, size: number): Promise<string> {
  const image = await call<{ id: string }>(
    broker,
    '/v1/images',
    'POST',
    { provider: 'glance-src', name: 'bench-golden', diskFormat: 'raw', containerFormat: 'bare', sizeBytes: size },
    201,
  );
  const jobId = await curlPutImageFile(broker, image.id, file);
  const job = await broker.waitForJob(jobId, 3_600_000);
  if (job.state !== 'succeeded') throw new Error(`source upload ${job.state}: ${job.error?.message}`);
  return image.id;
}

async function waitForPlacements(broker: BrokerProcess, path: string, count: number): Promise<void> {
  const deadline = Date.now() + 3_600_000;
  for (;;) {
    const { body } = await broker.api<VersionBody>(path, { secret: READER_SECRET });
    const failed = body.placements.filter((p) => p.status === 'failed');
    if (failed.length > 0) throw new Error(`placement failed: ${failed.map((p) => p.error?.message).join('; ')}`);
    if (body.placements.length === count && body.placements.every((p) => p.status === 'active')) return;
    if (Date.now() > deadline) throw new Error(`placements not active within an hour: ${JSON.stringify(body)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Resolve benchmark: a family with a version placed on two Glance targets and
 * its `stable` channel, then GET /v1/families/{family}/resolve?channel=stable
 * under load beside the catalogue benchmark's bare Fastify route serving the
 * same JSON from memory, measured in the same run (aim ≥ 0.7).
 */
export async function resolveBenchmark(): Promise<string> {
  const clouds = new Clouds();
  const dir = mkdtempSync(join(tmpdir(), 'ib-bench-resolve-'));
  const staging = await startS3Child();
  let broker: BrokerProcess | undefined;
  let bare: Awaited<ReturnType<typeof startChild>> | undefined;
  try {
    await clouds.glance('glance-src');
    await clouds.glance('glance-a');
    await clouds.glance('glance-b');
    broker = await BrokerProcess.start({
      label: 'bench-resolve',
      providersYaml: clouds.providersYaml,
      env: { ...staging.env, LOG_LEVEL: 'warn' },
    });
    const file = join(dir, 'image.bin');
    await writeTestFile(file, MiB);
    const imageId = await sourceImage(broker, file, MiB);
    await call(
      broker,
      '/v1/families',
      'POST',
      {
        name: 'bench-base',
        targets: [{ provider: 'glance-a' }, { provider: 'glance-b' }],
      },
      201,
    );
    await call(broker, '/v1/families/bench-base/versions', 'POST', { version: '1.0.0', imageId }, 202);
    await waitForPlacements(broker, '/v1/families/bench-base/versions/1.0.0', 2);
    await call(broker, '/v1/families/bench-base/channels/stable', 'PUT', { version: '1.0.0' }, 200);

    const path = '/v1/families/bench-base/resolve?channel=stable&provider=glance-b';
    const headers = { authorization: `Bearer ${READER_SECRET}` };
    const sample = await broker.api<unknown>(path, { secret: READER_SECRET });
    if (sample.status !== 200) throw new Error(`resolve: HTTP ${sample.status} ${JSON.stringify(sample.body)}`);
    const json = join(dir, 'resolve.json');
    writeFileSync(json, JSON.stringify(sample.body));
    const barePort = await freePort();
    bare = await startChild(join(__dirname, 'bare-json-server.js'), [json, String(barePort)]);

    await load(`${broker.url}${path}`, headers, 2); // warm-up
    const brokerRun = await load(`${broker.url}${path}`, headers, SECONDS);
    await load(`http://127.0.0.1:${barePort}${path}`, {}, 2);
    const bareRun = await load(`http://127.0.0.1:${barePort}${path}`, {}, SECONDS);
    if (brokerRun.errors + brokerRun.non2xx > 0)
      throw new Error(`broker answered ${brokerRun.non2xx} non-2xx, ${brokerRun.errors} errors`);
    const ratio = brokerRun.requestsPerSecond / bareRun.requestsPerSecond;
    return `resolve: broker ${brokerRun.requestsPerSecond.toFixed(0)} req/s (p99 ${brokerRun.p99Ms} ms) vs bare ${bareRun.requestsPerSecond.toFixed(0)} req/s (p99 ${bareRun.p99Ms} ms): ratio ${ratio.toFixed(2)} (aim ≥ 0.7)`;
  } finally {
    bare?.kill('SIGTERM');
    await broker?.stop();
    await clouds.close();
    await staging.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Placement benchmark: the time from POST /v1/families/{family}/versions to
 * every placement active, for an image (256 MiB; `BENCH_PLACEMENT_MIB`) on
 * three emulated targets (two Glance, one FPT with its S3 part store), beside
 * the time of the same copy done as one replication per target, started by
 * hand through the broker's API at once, in the same run, to fresh emulators
 * of the same kinds (so neither finds a copy to reuse). Aim ≥ 0.9.
 */
export async function placementBenchmark(): Promise<string> {
  const size = Math.round(Number(process.env.BENCH_PLACEMENT_MIB ?? 256) * MiB);
  const clouds = new Clouds();
  const dir = mkdtempSync(join(tmpdir(), 'ib-bench-placement-'));
  const staging = await startS3Child();
  let broker: BrokerProcess | undefined;
  try {
    await clouds.glance('glance-src');
    for (const set of ['a', 'b']) {
      await clouds.glance(`glance-${set}1`);
      await clouds.glance(`glance-${set}2`);
      await clouds.fpt(`fpt-${set}`);
    }
    broker = await BrokerProcess.start({
      label: 'bench-placement',
      providersYaml: clouds.providersYaml,
      env: { ...staging.env, LOG_LEVEL: 'warn' },
    });
    const file = join(dir, 'image.bin');
    await writeTestFile(file, size);
    const imageId = await sourceImage(broker, file, size);
    const db = await connectDatabase(broker.databaseUrl);
    try {
      const byHand = await timed(async () => {
        const jobIds: string[] = [];
        const started = await Promise.all(
          ['glance-a1', 'glance-a2', 'fpt-a'].map((provider) =>
            call<{ targets: Array<{ jobId: string }> }>(
              broker!,
              `/v1/images/${imageId}/replications`,
              'POST',
              { targets: [{ provider }] },
              202,
            ),
          ),
        );
        for (const replication of started) jobIds.push(...replication.targets.map((t) => t.jobId));
        for (;;) {
          const { rows } = await db.query<{ state: string; error_message: string | null }>(
            'SELECT state, error_message FROM jobs WHERE id = ANY($1::uuid[])',
            [jobIds],
          );
          const ended = rows.filter((r) => r.state === 'failed' || r.state === 'cancelled');
          if (ended.length > 0) throw new Error(`replication failed: ${ended.map((r) => r.error_message).join('; ')}`);
          if (rows.length === 3 && rows.every((r) => r.state === 'succeeded')) return;
          await new Promise((r) => setTimeout(r, 50));
        }
      });
      await call(
        broker,
        '/v1/families',
        'POST',
        {
          name: 'bench-placement',
          targets: [{ provider: 'glance-b1' }, { provider: 'glance-b2' }, { provider: 'fpt-b' }],
        },
        201,
      );
      const family = await timed(async () => {
        await call(broker!, '/v1/families/bench-placement/versions', 'POST', { version: '1.0.0', imageId }, 202);
        await waitForPlacements(broker!, '/v1/families/bench-placement/versions/1.0.0', 3);
      });
      const mib = (size / MiB).toFixed(0);
      console.log(`placement: ${mib} MiB to 3 targets, three replications by hand: ${byHand.toFixed(1)} s`);
      console.log(`placement: ${mib} MiB to 3 targets, one family version published: ${family.toFixed(1)} s`);
      return `placement: ${mib} MiB on 3 targets: family publish ${family.toFixed(1)} s vs replications by hand ${byHand.toFixed(1)} s: ratio ${(byHand / family).toFixed(2)} (aim ≥ 0.9)`;
    } finally {
      await db.end();
    }
  } finally {
    await broker?.stop();
    await clouds.close();
    await staging.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
