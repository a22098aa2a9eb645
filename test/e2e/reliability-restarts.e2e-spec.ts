import { Queue } from 'bullmq';
import { Client } from 'pg';
import { BrokerProcess, WRITER_SECRET } from '../../harness/broker-process';
import { startEmbeddedS3, type EmbeddedS3 } from '../../sandbox/embedded-s3';
import { createGlanceEmulator } from '../../src/providers/kinds/openstack-glance/emulator/glance.emulator';
import { TestImageBytes } from '../support/image-bytes';
import { PrivatePostgres, PrivateRedis } from '../support/private-servers';
import { quietPeriod, scenarioDelay, waitFor } from '../support/wait-for';

const TOKEN = 'glance-restarts-token-0123456789';
const TARGETS = 8;
type Glance = ReturnType<typeof createGlanceEmulator>;
interface Target {
  id: string;
  provider: string;
  status: string;
  jobId: string;
}
interface Replication {
  id: string;
  targets: Target[];
}

/**
 * Redis and PostgreSQL restarted under running and queued jobs. Both are the
 * test's own servers (never the machine's): a redis-server without
 * persistence, so its restart loses the queue, and a PostgreSQL cluster
 * stopped with a fast shutdown, which cuts every connection.
 */
describe('reliability: Redis and PostgreSQL restarted while jobs run', () => {
  const bytes = new TestImageBytes(2 * 1024 * 1024 + 3, 'reliability-restarts');
  let staging: EmbeddedS3;
  let redis: PrivateRedis;
  let pg: PrivatePostgres;
  let databaseUrl: string;
  let source: Glance;
  const targets: Glance[] = [];
  let api: BrokerProcess;
  let worker: BrokerProcess;
  let sourceId: string;

  async function query<T extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      return (await db.query<T>(sql, params)).rows;
    } finally {
      await db.end();
    }
  }

  async function jobStates(ids: string[]): Promise<Record<string, number>> {
    const rows = await query<{ state: string; n: number }>(
      'SELECT state, count(*)::int AS n FROM jobs WHERE id = ANY($1::uuid[]) GROUP BY state',
      [ids],
    );
    return Object.fromEntries(rows.map((r) => [r.state, r.n]));
  }

  async function ready(broker: BrokerProcess): Promise<{ status: number; detail: string }> {
    const res = await broker.api<{ detail?: string }>('/health/ready', { secret: null });
    return { status: res.status, detail: res.body?.detail ?? '' };
  }

  async function replicate(indexes: number[]): Promise<Replication> {
    const res = await api.api<Replication>(`/v1/images/${sourceId}/replications`, {
      method: 'POST',
      body: { targets: indexes.map((i) => ({ provider: `target-${i}` })) },
      secret: WRITER_SECRET,
    });
    expect(res.status).toBe(202);
    return res.body;
  }

  /** At each target emulator itself: one image ever registered, active, with the source's bytes. */
  function expectOneCopyAt(indexes: number[]): void {
    for (const i of indexes) {
      const images = targets[i].store.all();
      expect([`target-${i}`, images.length]).toEqual([`target-${i}`, 1]);
      expect(images[0]).toMatchObject({ status: 'active', size: bytes.sizeBytes, os_hash_value: bytes.sha512 });
    }
  }

  beforeAll(async () => {
    [staging, redis, pg] = await Promise.all([
      startEmbeddedS3('staging'),
      PrivateRedis.start(),
      PrivatePostgres.start(),
    ]);
    databaseUrl = pg.url('image_broker_restarts');
    source = createGlanceEmulator({ dialect: 'standard', tokens: [TOKEN] });
    for (let i = 0; i < TARGETS; i++) targets.push(createGlanceEmulator({ dialect: 'standard', tokens: [TOKEN] }));
    const [sourceUrl, ...targetUrls] = await Promise.all([source.listen(), ...targets.map((t) => t.listen())]);
    const entry = (name: string, url: string) =>
      `  - name: ${name}\n    kind: openstack-glance\n    dialect: standard\n    endpoint: ${url}\n    region: r1\n` +
      `    auth: { type: token, token: ${TOKEN} }\n`;
    const env = {
      ...staging.env,
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      WORKER_CONCURRENCY: '2',
      JOB_LOCK_DURATION_MS: '5000',
    };
    api = await BrokerProcess.start({
      label: 'restarts-api',
      role: 'api',
      providersYaml: `providers:\n${entry('source', sourceUrl)}${targetUrls.map((u, i) => entry(`target-${i}`, u)).join('')}`,
      env,
    });
    worker = await BrokerProcess.start({ label: 'restarts-worker', role: 'worker', shareWith: api, env });
    const image = await api.api<{ id: string }>('/v1/images', {
      method: 'POST',
      body: { provider: 'source', name: 'golden', diskFormat: 'raw', containerFormat: 'bare', sha256: bytes.sha256 },
      secret: WRITER_SECRET,
    });
    sourceId = image.body.id;
    const put = await api.putImageFile(sourceId, bytes.stream());
    expect((await api.waitForJob(put.body.id)).state).toBe('succeeded');
    // Slow targets: each copy takes a few seconds, so jobs are running and queued when the servers go away.
    for (const t of targets) t.faults.set({ latencyMs: [300, 400] });
  }, 120_000);

  afterAll(async () => {
    await worker?.stop();
    await api?.stop();
    await Promise.all([source?.close(), ...targets.map((t) => t.close())]);
    await staging?.close();
    await redis?.stop();
    pg?.destroy();
  });

  it('loses no job and copies each once when Redis restarts without its data while jobs are queued and running', async () => {
    const replication = await replicate([0, 1, 2, 3]);
    const ids = replication.targets.map((t) => t.jobId);
    await waitFor(async () => {
      const states = await jobStates(ids);
      return (states.running ?? 0) >= 1 && (states.queued ?? 0) >= 1;
    });

    await redis.stop();
    await waitFor(async () => {
      const r = await ready(worker);
      return r.status === 503 && /redis/.test(r.detail);
    }, 10_000);
    expect(await ready(api)).toMatchObject({ status: 503, detail: expect.stringMatching(/redis/) });
    // The outage lasts a while, under running and queued jobs.
    await scenarioDelay(3_000);
    await redis.startAgain();

    await waitFor(async () => (await jobStates(ids)).succeeded === ids.length, 100_000, 500);
    // The queued jobs Redis forgot came back through the lost-job sweep and the outbox, not by luck.
    expect(worker.output).toMatch(/job\(s\) missing from the queue handed back to the outbox/);
    expect((await ready(api)).status).toBe(200);
    expect((await ready(worker)).status).toBe(200);
    expectOneCopyAt([0, 1, 2, 3]);
  }, 150_000);

  it('reports not ready while PostgreSQL restarts under running jobs, and the jobs then finish, each copied once', async () => {
    const replication = await replicate([4, 5, 6, 7]);
    const ids = replication.targets.map((t) => t.jobId);
    await waitFor(async () => ((await jobStates(ids)).running ?? 0) >= 1);

    pg.stop();
    await waitFor(async () => {
      const r = await ready(worker);
      return r.status === 503 && /postgres/.test(r.detail);
    }, 10_000);
    expect(await ready(api)).toMatchObject({ status: 503, detail: expect.stringMatching(/postgres/) });
    // While PostgreSQL stays down, readiness stays 503.
    await quietPeriod(5_000);
    expect((await ready(api)).status).toBe(503);
    await pg.startAgain();

    await waitFor(
      async () => (await jobStates(ids).catch(() => ({}) as Record<string, number>)).succeeded === ids.length,
      100_000,
      500,
    );
    await waitFor(async () => (await ready(api)).status === 200 && (await ready(worker)).status === 200, 10_000);
    expectOneCopyAt([4, 5, 6, 7]);
    // BullMQ agrees: each of these jobs completed, and nothing is left waiting, delayed or active.
    const queue = new Queue('transfers', {
      connection: { host: '127.0.0.1', port: redis.port },
      prefix: api.redisPrefix,
    });
    try {
      for (const id of ids) expect([id, await (await queue.getJob(id))?.getState()]).toEqual([id, 'completed']);
      expect(await queue.getJobCounts('waiting', 'delayed', 'active', 'prioritized')).toEqual({
        waiting: 0,
        delayed: 0,
        active: 0,
        prioritized: 0,
      });
    } finally {
      await queue.close();
    }
  }, 150_000);
});
