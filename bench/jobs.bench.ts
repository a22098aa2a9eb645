import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { BrokerProcess } from '../harness/broker-process';
import { connectDatabase, deleteRedisPrefix, REDIS_URL } from '../harness/isolated-resources';
import { JOB_REGISTRY } from '../src/jobs/job-types';
import { createGlanceEmulator } from '../src/providers/kinds/openstack-glance/emulator/glance.emulator';
import { generateGlanceSeed } from '../src/providers/kinds/openstack-glance/emulator/glance-seed';

const JOBS = Number(process.env.BENCH_JOBS ?? 1_000);
/** Images seeded in the emulator, all listed: each job lists and writes 5 (the run prints how many). */
const IMAGES = 5;
/** BullMQ worker concurrency of the broker's worker and of the bare worker alike. */
const CONCURRENCY = 32;
/** Sync requests the benchmark keeps in flight against the API. */
const CLIENTS = 16;
const TOKEN = 'bench-token';

/**
 * Job benchmark: 1,000 real `sync` jobs through the whole job path, beside a
 * bare BullMQ worker doing the same sync work on the same Redis, database and
 * emulator, in the same run.
 *
 * Sync-sized jobs: one sync per provider connection is live at a time (the API
 * dedupes on the connection), so the broker gets 1,000 connections, all
 * pointing at one Glance emulator (connections may share an endpoint) that
 * lists 5 images, and each is synced once: every job resolves its connection,
 * lists the catalogue over HTTP, upserts 5 image rows, marks nothing vanished
 * and records the sync on the connection, the work of a small real sync. All
 * 1,000 are created at once (16 requests in flight), with no waits in the
 * client between waves, so the figure is the pipeline's own throughput, as in
 * the baseline.
 *
 * Broker: API and worker as separate processes (WORKER_CONCURRENCY 32, the
 * global job limit 1,000, LOG_LEVEL warn); the clock runs from the first
 * POST /v1/providers/{name}/sync (request, job and outbox rows in one
 * transaction, relay, BullMQ, worker, row updates) until the jobs table,
 * polled directly every 20 ms, shows every job succeeded.
 *
 * Baseline, the same work by hand: a bare BullMQ Worker in a child process
 * (bare-sync-worker.ts, the same concurrency and Redis) running the broker's
 * own SyncProcessor on 1,000 other connections to the same emulator, in the
 * same database once the broker's worker stopped: each job lists the 5 images
 * over HTTP through the same adapter and writes the same rows with the same
 * CatalogueWriter. Queue.addBulk from this process (the broker's enqueue
 * options), timed from the add until the worker completed them all. So the
 * ratio, broker jobs/s over bare jobs/s, is the job framework's own cost (API
 * request, jobs and outbox rows, relay, limits, job state), not the sync's.
 */
export async function jobsBenchmark(): Promise<string> {
  const owner = 'bench0000000000000000000000000003';
  const glance = createGlanceEmulator({
    dialect: 'standard',
    tokens: [TOKEN],
    owner,
    images: generateGlanceSeed({ dialect: 'standard', count: IMAGES, seed: 3, owner, region: 'bench1' }),
  });
  const glanceUrl = await glance.listen();
  const names = Array.from({ length: JOBS }, (_, i) => `sync-${String(i).padStart(4, '0')}`);
  const providersYaml =
    'providers:\n' +
    names
      .map(
        (name) =>
          `  - name: ${name}\n    kind: openstack-glance\n    dialect: standard\n    endpoint: ${glanceUrl}\n    region: bench1\n    auth: { type: token, token: ${TOKEN} }\n`,
      )
      .join('');
  const env = {
    WORKER_CONCURRENCY: String(CONCURRENCY),
    JOB_CONCURRENCY_GLOBAL: String(JOBS),
    JOB_CONCURRENCY_PER_PROVIDER: String(CONCURRENCY),
    SYNC_INTERVAL_SECONDS: '0',
    RATE_LIMIT_REQUESTS: '0',
    LOG_LEVEL: 'warn',
  };
  let broker: { seconds: number; createSeconds: number; listed: number };
  let bare: { seconds: number; listed: number };
  const api = await BrokerProcess.start({ label: 'bench-jobs', role: 'api', providersYaml, env });
  try {
    const worker = await BrokerProcess.start({ label: 'bench-jobs-worker', role: 'worker', shareWith: api, env });
    try {
      broker = await runThroughBroker(api, names);
    } finally {
      await worker.stop();
    }
    // The baseline writes into the API's database (the same tables, as full as the broker left them);
    // the idle API only keeps it.
    bare = await runBareSync(api.databaseUrl, glanceUrl);
  } finally {
    await api.stop();
    await glance.close();
  }
  const brokerRate = JOBS / broker.seconds;
  console.log(
    `jobs: broker: ${JOBS} sync jobs (${(broker.listed / JOBS).toFixed(0)} images listed and written by each) created through the API in ${broker.createSeconds.toFixed(1)} s, all succeeded after ${broker.seconds.toFixed(1)} s = ${rate(brokerRate)} jobs/s`,
  );

  const bareRate = JOBS / bare.seconds;
  console.log(
    `jobs: bare BullMQ worker doing the same sync work: ${JOBS} jobs (${(bare.listed / JOBS).toFixed(0)} images listed and written by each), addBulk to all completed in ${bare.seconds.toFixed(1)} s = ${rate(bareRate)} jobs/s (concurrency ${CONCURRENCY})`,
  );
  if (bare.listed !== broker.listed) throw new Error(`bare listed ${bare.listed} images, the broker ${broker.listed}`);
  return `jobs: broker ${rate(brokerRate)} sync jobs/s vs bare BullMQ worker doing the same sync work ${rate(bareRate)} jobs/s: ratio ${(brokerRate / bareRate).toFixed(2)} (aim ≥ 0.7: the job framework's own cost)`;
}

async function runThroughBroker(
  api: BrokerProcess,
  names: string[],
): Promise<{ seconds: number; createSeconds: number; listed: number }> {
  const db = await connectDatabase(api.databaseUrl);
  try {
    const started = process.hrtime.bigint();
    let next = 0;
    const create = async (): Promise<void> => {
      for (let i = next++; i < names.length; i = next++) {
        const res = await api.api<{ id: string; state: string }>(`/v1/providers/${names[i]}/sync`, {
          method: 'POST',
        });
        if (res.status !== 202) throw new Error(`sync ${names[i]}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
      }
    };
    const creating = Promise.all(Array.from({ length: CLIENTS }, create)).then(() => elapsed(started));
    // Seen before the creates end, a failure stops the run at once; so does a create that fails.
    let createSeconds: number | undefined;
    let createError: unknown;
    creating.then(
      (s) => (createSeconds = s),
      (error: unknown) => (createError = error),
    );
    const deadline = Date.now() + 600_000;
    for (;;) {
      if (createError) throw createError;
      const { rows } = await db.query<{ succeeded: string; ended: string }>(
        `SELECT count(*) FILTER (WHERE state = 'succeeded') AS succeeded,
                count(*) FILTER (WHERE state IN ('failed', 'cancelled')) AS ended
           FROM jobs WHERE type = 'sync'`,
      );
      if (Number(rows[0].ended) > 0) throw new Error(`${rows[0].ended} sync jobs failed`);
      if (Number(rows[0].succeeded) === names.length) break;
      if (Date.now() > deadline) throw new Error(`only ${rows[0].succeeded} of ${names.length} syncs succeeded`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const seconds = elapsed(started);
    await creating;
    const { rows } = await db.query<{ listed: string | null }>(
      `SELECT sum((result->>'listed')::int) AS listed FROM jobs WHERE type = 'sync'`,
    );
    return { seconds, createSeconds: createSeconds ?? seconds, listed: Number(rows[0].listed ?? 0) };
  } finally {
    await db.end();
  }
}

/**
 * The baseline: JOBS connections of their own (rows as the providers file's
 * mirror writes them) to the same emulator, synced by bare-sync-worker.ts.
 */
async function runBareSync(databaseUrl: string, glanceUrl: string): Promise<{ seconds: number; listed: number }> {
  const prefix = `ibt-bench-bare-${process.pid}_${randomBytes(4).toString('hex')}`;
  const queueName = 'bare';
  const names = Array.from({ length: JOBS }, (_, i) => `bare-${String(i).padStart(4, '0')}`);
  const db = await connectDatabase(databaseUrl);
  const connection = new IORedis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue(queueName, { connection, prefix });
  let child: ChildProcess | undefined;
  try {
    await db.query(
      `INSERT INTO provider_connections (name, kind, source, settings, regions, updated_at)
       SELECT n, 'openstack-glance', 'file', $2::jsonb, ARRAY['bench1'], now() FROM unnest($1::text[]) AS n`,
      [names, JSON.stringify({ dialect: 'standard', endpoint: glanceUrl, region: 'bench1' })],
    );
    const connections = names.map((name) => ({
      name,
      kind: 'openstack-glance',
      dialect: 'standard',
      endpoint: glanceUrl,
      region: 'bench1',
      auth: { type: 'token', token: TOKEN },
    }));
    // Its arguments on stdin: 1,000 connections are more than one argv string may hold (E2BIG).
    child = spawn(process.execPath, [join(__dirname, 'bare-sync-worker.js')], { stdio: ['pipe', 'pipe', 'inherit'] });
    child.stdin!.end(
      JSON.stringify({
        redisUrl: REDIS_URL,
        databaseUrl,
        prefix,
        queue: queueName,
        concurrency: CONCURRENCY,
        count: JOBS,
        connections,
      }),
    );
    await waitForLine(child, 'ready');
    const done = waitForLine(child, 'done');
    const policy = JOB_REGISTRY.sync;
    const started = process.hrtime.bigint();
    await queue.addBulk(
      names.map((provider) => {
        const jobId = randomUUID();
        return {
          name: 'sync',
          data: { provider, trigger: 'api' },
          opts: {
            jobId,
            attempts: policy.attempts,
            backoff: { type: 'exponential', delay: policy.backoffMs },
            removeOnComplete: { age: 3600, count: 1000 },
            removeOnFail: { age: 7 * 24 * 3600 },
          },
        };
      }),
    );
    await done;
    const seconds = elapsed(started);
    const { rows } = await db.query<{ listed: string }>(
      `SELECT count(*) AS listed FROM images WHERE provider_name LIKE 'bare-%' AND status <> 'deleted'`,
    );
    return { seconds, listed: Number(rows[0].listed) };
  } finally {
    child?.kill('SIGTERM');
    await queue.close();
    connection.disconnect();
    await db.end();
    await deleteRedisPrefix(prefix);
  }
}

/** Resolves when the child prints `line`; rejects if it exits first. */
function waitForLine(child: ChildProcess, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (d: Buffer) => {
      seen += d.toString();
      if (seen.split('\n').includes(line)) {
        child.stdout?.off('data', onData);
        child.off('exit', onExit);
        resolve();
      }
    };
    const onExit = (code: number | null) => reject(new Error(`bare sync worker exited with ${code}`));
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

/** Jobs/s with a decimal below 100, where a busy machine's rates are small and whole numbers too coarse. */
function rate(jobsPerSecond: number): string {
  return jobsPerSecond.toFixed(jobsPerSecond < 100 ? 1 : 0);
}

function elapsed(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}
