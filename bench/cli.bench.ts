import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { WRITER_SECRET } from '../harness/broker-process';
import { startGlanceUploadRig } from './glance-upload-rig';
import { curlPutImageFile } from './curl-put';
import { RssSampler } from './rss-sampler';
import { timed, writeTestFile } from './test-file';

const GiB = 1024 * 1024 * 1024;
const CLI = resolve(__dirname, '../../packages/sdk/bin/image-broker.js');

/**
 * `npm run bench -- cli`: `image-broker images upload` of a 1 GiB file beside
 * `curl -T` of the same file to the same route (PUT /v1/images/{id}/file, until
 * its 202: the broker has the bytes) in the same run, with the CLI's peak RSS
 * (aim: ≥ 0.9 of curl's rate, under 128 MiB). The CLI's default for a file
 * this large, a direct multipart session to the staging store, is measured too.
 */
export async function cliBenchmark(): Promise<string> {
  const gib = Number(process.env.BENCH_CLI_GIB ?? 1);
  const size = gib * GiB;
  const dir = mkdtempSync(join(tmpdir(), 'ib-bench-cli-'));
  const rig = await startGlanceUploadRig('bench-cli', 'bench0000000000000000000000000003');
  const { api } = rig;
  const file = join(dir, 'image.bin');
  await writeTestFile(file, size);
  const register = async (name: string): Promise<string> =>
    (
      await api.api<{ id: string }>('/v1/images', {
        method: 'POST',
        body: { provider: 'glance', name, diskFormat: 'raw', containerFormat: 'bare', sizeBytes: size },
        secret: WRITER_SECRET,
      })
    ).body.id;
  const settle = async (jobId: string): Promise<void> => {
    const job = await api.waitForJob(jobId, 3_600_000);
    if (job.state !== 'succeeded') throw new Error(`upload ${job.state}: ${job.error?.message}`);
  };
  const cli = async (imageId: string, method: string): Promise<{ seconds: number; peakMiB: number; jobId: string }> => {
    let jobId = '';
    let peakMiB = 0;
    const seconds = await timed(async () => {
      const child = spawn(
        process.execPath,
        [CLI, 'images', 'upload', file, '--image', imageId, '--method', method, '--no-wait', '--json'],
        {
          env: {
            ...process.env,
            IMAGE_BROKER_URL: api.url,
            IMAGE_BROKER_TOKEN: WRITER_SECRET,
            IMAGE_BROKER_CONFIG_DIR: join(dir, 'config'),
          },
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      const sampler = new RssSampler({ cli: child.pid });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      const code = await new Promise<number | null>((done) => child.on('close', done));
      peakMiB = sampler.stop().cli ?? NaN;
      if (code !== 0) throw new Error(`image-broker exited ${code}: ${out}`);
      jobId = (JSON.parse(out) as { job: { id: string } }).job.id;
    });
    return { seconds, peakMiB, jobId };
  };

  try {
    const rounds = Number(process.env.BENCH_CLI_ROUNDS ?? 2);
    const curlTimes: number[] = [];
    const cliTimes: number[] = [];
    const sessionTimes: number[] = [];
    let peakFile = 0;
    let peakSession = 0;
    // Interleaved rounds, best of each: a slow moment of the machine falls on one run, not on one side.
    for (let round = 0; round < rounds; round++) {
      let jobId = '';
      const curlImage = await register(`curl-${round}`);
      curlTimes.push(await timed(async () => void (jobId = await curlPutImageFile(api, curlImage, file))));
      await settle(jobId);

      const viaFile = await cli(await register(`cli-file-${round}`), 'file');
      cliTimes.push(viaFile.seconds);
      peakFile = Math.max(peakFile, viaFile.peakMiB);
      await settle(viaFile.jobId);

      const viaSession = await cli(await register(`cli-session-${round}`), 'session');
      sessionTimes.push(viaSession.seconds);
      peakSession = Math.max(peakSession, viaSession.peakMiB);
      await settle(viaSession.jobId);
    }
    const rate = (seconds: number[]): number => size / 1e6 / Math.min(...seconds);
    const curlRate = rate(curlTimes);
    const fileRate = rate(cliTimes);
    const sessionRate = rate(sessionTimes);
    return [
      `cli ${gib} GiB, best of ${rounds}: curl -T ${curlRate.toFixed(0)} MB/s; image-broker images upload --method file ${fileRate.toFixed(0)} MB/s: ratio ${(fileRate / curlRate).toFixed(2)} (aim ≥ 0.9)`,
      `cli ${gib} GiB: image-broker images upload (a direct multipart session, its default at this size) ${sessionRate.toFixed(0)} MB/s: ratio ${(sessionRate / curlRate).toFixed(2)} to curl through the broker`,
      `cli: peak RSS of the CLI ${Math.max(peakFile, peakSession).toFixed(0)} MiB (through PUT …/file ${peakFile.toFixed(0)} MiB, as a session ${peakSession.toFixed(0)} MiB; aim < 128 MiB)`,
    ].join('\n');
  } finally {
    await rig.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
