import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrokerProcess, READER_SECRET } from '../harness/broker-process';
import { freePort } from '../harness/free-port';
import { createGlanceEmulator } from '../src/providers/kinds/openstack-glance/emulator/glance.emulator';
import { generateGlanceSeed } from '../src/providers/kinds/openstack-glance/emulator/glance-seed';
import { startChild } from './child-server';
import { load } from './load';

const IMAGES = 10_000;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

/**
 * Catalogue benchmark: 10,000 images synced from a Glance emulator, then
 * GET /v1/images?limit=100 under load beside a bare Fastify route serving the
 * same JSON from memory, measured in the same run.
 */
export async function catalogueBenchmark(): Promise<string> {
  const owner = 'bench0000000000000000000000000001';
  const glance = createGlanceEmulator({
    dialect: 'standard',
    tokens: ['bench-token'],
    owner,
    images: generateGlanceSeed({ dialect: 'standard', count: IMAGES, seed: 7, owner, region: 'bench1' }),
  });
  const glanceUrl = await glance.listen();
  const broker = await BrokerProcess.start({
    label: 'bench-catalogue',
    providersYaml: `providers:\n  - name: bench-glance\n    kind: openstack-glance\n    dialect: standard\n    endpoint: ${glanceUrl}\n    region: bench1\n    auth: { type: token, token: bench-token }\n`,
    env: { LOG_LEVEL: 'warn' },
  });
  let bare: Awaited<ReturnType<typeof startChild>> | undefined;
  try {
    const started = Date.now();
    const { body: job } = await broker.api<{ id: string }>('/v1/providers/bench-glance/sync', { method: 'POST' });
    const done = await broker.waitForJob(job.id, 300_000);
    const syncSeconds = (Date.now() - started) / 1000;
    if (done.state !== 'succeeded') throw new Error(`sync ${done.state}: ${done.error?.message}`);
    const listed = Number(done.result?.listed ?? 0);
    console.log(
      `catalogue: synced ${listed} images in ${syncSeconds.toFixed(1)} s (${Math.round(listed / syncSeconds)} images/s)`,
    );

    const path = '/v1/images?limit=100';
    const headers = { authorization: `Bearer ${READER_SECRET}` };
    const sample = await broker.api<unknown>(path, { secret: READER_SECRET });
    const file = join(tmpdir(), `bench-images-${process.pid}.json`);
    writeFileSync(file, JSON.stringify(sample.body));
    const barePort = await freePort();
    bare = await startChild(join(__dirname, 'bare-json-server.js'), [file, String(barePort)]);

    await load(`${broker.url}${path}`, headers, 2); // warm-up
    const brokerRun = await load(`${broker.url}${path}`, headers, SECONDS);
    await load(`http://127.0.0.1:${barePort}${path}`, {}, 2);
    const bareRun = await load(`http://127.0.0.1:${barePort}${path}`, {}, SECONDS);
    if (brokerRun.errors + brokerRun.non2xx > 0)
      throw new Error(`broker answered ${brokerRun.non2xx} non-2xx, ${brokerRun.errors} errors`);
    console.log(
      `catalogue: broker GET ${path}: ${brokerRun.requestsPerSecond.toFixed(0)} req/s, p99 ${brokerRun.p99Ms} ms`,
    );
    console.log(
      `catalogue: bare Fastify, same JSON from memory: ${bareRun.requestsPerSecond.toFixed(0)} req/s, p99 ${bareRun.p99Ms} ms`,
    );
    const ratio = brokerRun.requestsPerSecond / bareRun.requestsPerSecond;
    return `catalogue: broker ${brokerRun.requestsPerSecond.toFixed(0)} req/s (p99 ${brokerRun.p99Ms} ms) vs bare ${bareRun.requestsPerSecond.toFixed(0)} req/s (p99 ${bareRun.p99Ms} ms): ratio ${ratio.toFixed(2)} (goal ≥ 0.5)`;
  } finally {
    bare?.kill('SIGTERM');
    await broker.stop();
    await glance.close();
  }
}
