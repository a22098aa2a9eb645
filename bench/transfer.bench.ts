import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { WRITER_SECRET } from '../harness/broker-process';
import { startGlanceUploadRig } from './glance-upload-rig';
import { curlPutImageFile, curlPutToGlance } from './curl-put';
import { RssSampler } from './rss-sampler';
import { CpuMeter, formatCpu } from './cpu-meter';
import { measureHashingFloor } from './hashing-floor';
import { timed, writeTestFile } from './test-file';

const GiB = 1024 * 1024 * 1024;

/**
 * Transfer benchmark: a 1 GiB and a 4 GiB file through PUT /v1/images/{id}/file
 * until the image is active on the Glance emulator, beside curl
 * (streamed with -T) of the same file straight to the emulator's upload route, in the same run,
 * with the peak resident memory of the broker's API and worker processes.
 *
 * And the broker's own CPU per GiB: the API's and the worker's CPU seconds
 * (from /proc, not the staging store's nor this process's, which hosts the
 * emulator) over the GiB moved, beside the floor hashing alone costs here in
 * this run (sha256 + sha512 + md5 of the same file, hashing-floor.ts): the
 * ratio of the two says how much the broker spends beyond the digests it must
 * compute, whatever the machine (aim ≤ 1.5).
 */
export async function transferBenchmark(): Promise<string> {
  const sizes = (process.env.BENCH_TRANSFER_GIB ?? '1,4').split(',').map(Number);
  const dir = mkdtempSync(join(tmpdir(), 'ib-bench-transfer-'));
  const rig = await startGlanceUploadRig('bench-transfer', 'bench0000000000000000000000000002');
  const { api, worker, s3, glanceUrl } = rig;
  const lines: string[] = [];
  try {
    for (const gib of sizes) {
      const file = join(dir, `image-${gib}g.bin`);
      await writeTestFile(file, gib * GiB);
      const size = gib * GiB;

      const sampler = new RssSampler({ api: api.pid, worker: worker.pid });
      const brokerCpu = new CpuMeter({ api: api.pid, worker: worker.pid, s3: s3.pid });
      let stagedAfter = 0;
      const started = performance.now();
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
        const jobId = await curlPutImageFile(api, image.body.id, file);
        stagedAfter = (performance.now() - started) / 1000;
        const job = await api.waitForJob(jobId, 3_600_000);
        if (job.state !== 'succeeded') throw new Error(`upload ${job.state}: ${job.error?.message}`);
      });
      const peaks = sampler.stop();
      const brokerCpuUsed = brokerCpu.stop();

      const directCpu = new CpuMeter({});
      const direct = await timed(() => curlPutToGlance(glanceUrl, rig.token, file, `curl-${gib}g`));
      const directCpuUsed = directCpu.stop();
      const floor = await measureHashingFloor(file);
      rmSync(file, { force: true });

      const brokerMBs = size / 1e6 / viaBroker;
      const curlMBs = size / 1e6 / direct;
      const line = `transfer ${gib} GiB: broker ${brokerMBs.toFixed(0)} MB/s (${viaBroker.toFixed(1)} s) (${stagedAfter.toFixed(1)} s until the PUT's 202, then ${(viaBroker - stagedAfter).toFixed(1)} s of push) vs curl ${curlMBs.toFixed(0)} MB/s (${direct.toFixed(1)} s): ratio ${(brokerMBs / curlMBs).toFixed(2)}; peak RSS api ${peaks.api?.toFixed(0)} MiB, worker ${peaks.worker?.toFixed(0)} MiB`;
      console.log(line);
      // "self" is this process, which hosts the Glance emulator; "s3" the staging store.
      console.log(
        `transfer ${gib} GiB: CPU on the broker's path ${formatCpu(brokerCpuUsed)}; on curl's path self ${directCpuUsed.self.toFixed(1)} s`,
      );
      // However well the hops overlapped, the broker's path cannot take less than its CPU over the machine's cores.
      const cpuSeconds = Object.values(brokerCpuUsed).reduce((sum, seconds) => sum + seconds, 0);
      const cores = availableParallelism();
      console.log(
        `transfer ${gib} GiB: the broker's path used ${cpuSeconds.toFixed(1)} CPU-s, at least ${(cpuSeconds / cores).toFixed(1)} s on ${cores} cores: a ratio above ${(direct / (cpuSeconds / cores)).toFixed(2)} takes less CPU, not more overlap`,
      );
      const ownPerGiB = ((brokerCpuUsed.api ?? NaN) + (brokerCpuUsed.worker ?? NaN)) / gib;
      const floorPerGiB = floor.cpuSeconds / (floor.bytes / GiB);
      const cpuRatio = ownPerGiB / floorPerGiB;
      console.log(
        `transfer ${gib} GiB: broker's own CPU (api + worker) ${ownPerGiB.toFixed(2)} s/GiB vs hashing floor (sha256 + sha512 + md5 of the same file, one process) ${floorPerGiB.toFixed(2)} s/GiB: ratio ${cpuRatio.toFixed(2)} (aim ≤ 1.5)`,
      );
      lines.push(
        `${gib} GiB ratio ${(brokerMBs / curlMBs).toFixed(2)}, peak RSS ${Math.max(peaks.api ?? 0, peaks.worker ?? 0).toFixed(0)} MiB, CPU ${ownPerGiB.toFixed(2)} s/GiB vs hashing ${floorPerGiB.toFixed(2)} s/GiB: ratio ${cpuRatio.toFixed(2)}`,
      );
    }
    return `transfer: ${lines.join('; ')} (goals: ratio ≥ 0.8, peak RSS < 256 MiB and flat with size, CPU ratio ≤ 1.5)`;
  } finally {
    await rig.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
