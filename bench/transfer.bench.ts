import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BrokerProcess, WRITER_SECRET } from '../harness/broker-process';
import { startEmbeddedS3 } from '../src/sandbox/embedded-s3';
import { createGlanceEmulator } from '../src/sandbox/emulators/openstack-glance/glance.emulator';
import { RssSampler } from './rss-sampler';

const run = promisify(execFile);
const GiB = 1024 * 1024 * 1024;
const TOKEN = 'bench-token';

/**
 * Transfer benchmark: a 1 GiB and a 4 GiB file through PUT /v1/images/{id}/file
 * until the image is active on the Glance emulator, beside curl
 * (streamed with -T) of the same file straight to the emulator's upload route, in the same run,
 * with the peak resident memory of the broker's API and worker processes.
 */
export async function transferBenchmark(): Promise<string> {
  const sizes = (process.env.BENCH_TRANSFER_GIB ?? '1,4').split(',').map(Number);
  const dir = mkdtempSync(join(tmpdir(), 'ib-bench-transfer-'));
  const s3 = await startEmbeddedS3();
  const glance = createGlanceEmulator({
    dialect: 'standard',
    tokens: [TOKEN],
    owner: 'bench0000000000000000000000000002',
  });
  const glanceUrl = await glance.listen();
  const api = await BrokerProcess.start({
    label: 'bench-transfer',
    role: 'api',
    providersYaml: `providers:\n  - name: glance\n    kind: openstack-glance\n    dialect: standard\n    endpoint: ${glanceUrl}\n    auth: { type: token, token: ${TOKEN} }\n`,
    env: { ...s3.env },
  });
  const worker = await BrokerProcess.start({ label: 'bench-transfer-worker', role: 'worker', shareWith: api });
  const lines: string[] = [];
  try {
    for (const gib of sizes) {
      const file = join(dir, `image-${gib}g.bin`);
      await writeTestFile(file, gib * GiB);
      const size = gib * GiB;

      const sampler = new RssSampler({ api: api.pid, worker: worker.pid });
      const viaBroker = await timed(async () => {
        const image = await api.api<{ id: string }>('/v1/images', {
          method: 'POST',
          body: {
            provider: 'glance',
            name: `bench-${gib}g`,
            diskFormat: 'raw',
            containerFormat: 'bare',
            sizeBytes: size,
          },
          secret: WRITER_SECRET,
        });
        const { stdout } = await run(
          'curl',
          [
            '-sS',
            '-X',
            'PUT',
            '-T',
            file,
            '-H',
            `authorization: Bearer ${WRITER_SECRET}`,
            '-H',
            'content-type: application/octet-stream',
            `${api.url}/v1/images/${image.body.id}/file`,
          ],
          { maxBuffer: 1024 * 1024 },
        );
        const job = await api.waitForJob((JSON.parse(stdout) as { id: string }).id, 3_600_000);
        if (job.state !== 'succeeded') throw new Error(`upload ${job.state}: ${job.error?.message}`);
      });
      const peaks = sampler.stop();

      const direct = await timed(async () => {
        const created = await fetch(`${glanceUrl}/v2/images`, {
          method: 'POST',
          headers: { 'x-auth-token': TOKEN, 'content-type': 'application/json' },
          body: JSON.stringify({ name: `curl-${gib}g`, disk_format: 'raw', container_format: 'bare' }),
        });
        const { id } = (await created.json()) as { id: string };
        await run(
          'curl',
          [
            '-sS',
            '-X',
            'PUT',
            // curl --data-binary @file reads the whole file into memory and refuses at 1 GiB here
            // ("out of memory"); -T sends the same PUT body, streamed, as the broker run does.
            '-T',
            file,
            '-H',
            `x-auth-token: ${TOKEN}`,
            '-H',
            'content-type: application/octet-stream',
            `${glanceUrl}/v2/images/${id}/file`,
          ],
          { maxBuffer: 1024 * 1024 },
        );
      });
      rmSync(file, { force: true });

      const brokerMBs = size / 1e6 / viaBroker;
      const curlMBs = size / 1e6 / direct;
      const line = `transfer ${gib} GiB: broker ${brokerMBs.toFixed(0)} MB/s (${viaBroker.toFixed(1)} s) vs curl ${curlMBs.toFixed(0)} MB/s (${direct.toFixed(1)} s): ratio ${(brokerMBs / curlMBs).toFixed(2)}; peak RSS api ${peaks.api?.toFixed(0)} MiB, worker ${peaks.worker?.toFixed(0)} MiB`;
      console.log(line);
      lines.push(
        `${gib} GiB ratio ${(brokerMBs / curlMBs).toFixed(2)}, peak RSS ${Math.max(peaks.api ?? 0, peaks.worker ?? 0).toFixed(0)} MiB`,
      );
    }
    return `transfer: ${lines.join('; ')} (goals: ratio ≥ 0.8, peak RSS < 256 MiB and flat with size)`;
  } finally {
    await worker.stop();
    await api.stop();
    await glance.close();
    await s3.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function timed(work: () => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** Pseudo-random bytes (hash chains, so nothing compresses), written in 8 MiB blocks. */
async function writeTestFile(path: string, size: number): Promise<void> {
  const out = createWriteStream(path);
  let block = Buffer.alloc(8 * 1024 * 1024);
  let seed = createHash('sha512').update('bench').digest();
  for (let i = 0; i < block.length; i += seed.length) {
    seed = createHash('sha512').update(seed).digest();
    seed.copy(block, i);
  }
  for (let written = 0, n = 0; written < size; written += block.length, n++) {
    block = Buffer.from(block);
    block.writeUInt32BE(n, 0);
    const chunk = block.subarray(0, Math.min(block.length, size - written));
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}
