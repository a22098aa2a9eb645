import { BrokerProcess } from '../harness/broker-process';
import { startSandboxEmulators } from '../sandbox/sandbox-emulators';

/**
 * Sync benchmark: about 50,000 images spread over the five emulated
 * connections, all synced at once from scratch; then the same syncs again
 * with nothing changed upstream, counting the catalogue rows they wrote.
 */
export async function syncBenchmark(): Promise<string> {
  // 10,000 images on every sandbox connection, whichever kinds the registry lists.
  const clouds = await startSandboxEmulators(10_000);
  const broker = await BrokerProcess.start({
    label: 'bench-sync',
    providersYaml: clouds.providersYaml,
    env: { ...clouds.env, WORKER_CONCURRENCY: String(clouds.providerNames.length) },
  });
  try {
    const syncAll = async () => {
      const started = Date.now();
      const jobs = await Promise.all(
        clouds.providerNames.map(async (name) => {
          const { body } = await broker.api<{ id: string }>(`/v1/providers/${name}/sync`, { method: 'POST' });
          return body.id;
        }),
      );
      const results = await Promise.all(jobs.map((id) => broker.waitForJob(id, 600_000)));
      const failed = results.filter((r) => r.state !== 'succeeded');
      if (failed.length > 0) throw new Error(`sync failed: ${failed.map((f) => f.error?.message).join('; ')}`);
      const sum = (key: string) => results.reduce((total, r) => total + Number(r.result?.[key] ?? 0), 0);
      return {
        seconds: (Date.now() - started) / 1000,
        listed: sum('listed'),
        written: sum('written') + sum('deleted'),
      };
    };
    const first = await syncAll();
    console.log(
      `sync: full sync of ${first.listed} images over 5 providers in ${first.seconds.toFixed(1)} s (${Math.round(first.listed / first.seconds)} images/s), ${first.written} rows written`,
    );
    const second = await syncAll();
    console.log(`sync: unchanged re-sync in ${second.seconds.toFixed(1)} s, ${second.written} rows written`);
    return `sync: ${first.listed} images in ${first.seconds.toFixed(1)} s = ${Math.round(first.listed / first.seconds)} images/s (goal < 30 s); unchanged re-sync wrote ${second.written} rows (goal 0)`;
  } finally {
    await broker.stop();
    await clouds.close();
  }
}
