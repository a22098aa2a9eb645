import { BrokerProcess, WRITER_SECRET } from '../../harness/broker-process';
import { connectDatabase } from '../../harness/isolated-resources';
import { startEmbeddedS3, type EmbeddedS3 } from '../../sandbox/embedded-s3';
import { createGlanceEmulator } from '../../src/providers/kinds/openstack-glance/emulator/glance.emulator';
import { TestImageBytes } from '../support/image-bytes';
import { waitFor } from '../support/wait-for';

const TARGETS = 30;
const TOKEN = 'glance-faults-token-0123456789';

type Glance = ReturnType<typeof createGlanceEmulator>;
interface Target {
  id: string;
  provider: string;
  status: string;
  imageId: string | null;
  jobId: string;
  reused: boolean;
}
interface Replication {
  id: string;
  targets: Target[];
}

/**
 * 30 replication targets at once, every one behind an emulator that answers
 * 20% of requests with a 5xx, 20% with 429 and Retry-After, drops 5% of
 * connections before handling them and loses the answer of 5% more after
 * handling them, with random latency. Faults hit every route the broker uses
 * at the target: the create POST, the data PUT and the reads.
 */
describe('reliability: 30 replication targets under injected faults', () => {
  const bytes = new TestImageBytes(4 * 1024 * 1024 + 17, 'reliability-faults');
  let staging: EmbeddedS3;
  let source: Glance;
  const targets: Glance[] = [];
  let api: BrokerProcess;
  const workers: BrokerProcess[] = [];
  let sourceId: string;

  beforeAll(async () => {
    staging = await startEmbeddedS3('staging');
    source = createGlanceEmulator({ dialect: 'standard', tokens: [TOKEN] });
    for (let i = 0; i < TARGETS; i++) targets.push(createGlanceEmulator({ dialect: 'standard', tokens: [TOKEN] }));
    const [sourceUrl, ...targetUrls] = await Promise.all([source.listen(), ...targets.map((t) => t.listen())]);
    const entry = (name: string, url: string) =>
      `  - name: ${name}\n    kind: openstack-glance\n    dialect: standard\n    endpoint: ${url}\n    region: r1\n` +
      `    timeoutMs: 5000\n    auth: { type: token, token: ${TOKEN} }\n`;
    api = await BrokerProcess.start({
      label: 'faults-api',
      role: 'api',
      providersYaml: `providers:\n${entry('source', sourceUrl)}${targetUrls.map((u, i) => entry(`target-${i}`, u)).join('')}`,
      env: { ...staging.env, JOB_CONCURRENCY_GLOBAL: '64' },
    });
    for (let i = 0; i < 2; i++) {
      workers.push(
        await BrokerProcess.start({
          label: 'faults-worker',
          role: 'worker',
          shareWith: api,
          env: { WORKER_CONCURRENCY: '10' },
        }),
      );
    }
    const image = await api.api<{ id: string }>('/v1/images', {
      method: 'POST',
      body: { provider: 'source', name: 'golden', diskFormat: 'raw', containerFormat: 'bare', sha256: bytes.sha256 },
      secret: WRITER_SECRET,
    });
    sourceId = image.body.id;
    const put = await api.putImageFile(sourceId, bytes.stream());
    expect((await api.waitForJob(put.body.id)).state).toBe('succeeded');
  });
  afterAll(async () => {
    for (const w of workers) await w.stop();
    await api?.stop();
    await Promise.all([source?.close(), ...targets.map((t) => t.close())]);
    await staging?.close();
  });

  it('ends with exactly one image per target, holding the source sha256, whatever the faults', async () => {
    targets.forEach((t, i) =>
      t.faults.set({
        errorRate: 0.2,
        throttleRate: 0.2,
        retryAfterSeconds: 1,
        dropRate: 0.05,
        lostResponseRate: 0.05,
        latencyMs: [0, 50],
        seed: 1000 + i,
      }),
    );
    const res = await api.api<Replication>(`/v1/images/${sourceId}/replications`, {
      method: 'POST',
      body: { targets: targets.map((_, i) => ({ provider: `target-${i}` })) },
      secret: WRITER_SECRET,
    });
    expect(res.status).toBe(202);
    expect(res.body.targets).toHaveLength(TARGETS);

    let done: Replication | undefined;
    await waitFor(
      async () => {
        const list = await api.api<{ items: Replication[] }>(`/v1/images/${sourceId}/replications`);
        done = list.body.items.find((r) => r.id === res.body.id);
        return done !== undefined && done.targets.every((t) => ['succeeded', 'failed', 'cancelled'].includes(t.status));
      },
      110_000,
      500,
    );
    const stats = targets.map((t) => t.faults.stats());
    targets.forEach((t) => t.faults.clear());

    // Through the broker: every target succeeded, each with its own copy, checked against the source.
    expect(done!.targets.filter((t) => t.status !== 'succeeded')).toEqual([]);
    for (const target of done!.targets) {
      const copy = await api.api<{ status: string; checksums: { sha256: string | null } }>(
        `/v1/images/${target.imageId}`,
      );
      expect([target.provider, copy.body.status, copy.body.checksums.sha256]).toEqual([
        target.provider,
        'active',
        bytes.sha256,
      ]);
    }

    // At each target itself: one image ever registered, active, holding the source's bytes.
    targets.forEach((t, i) => {
      const images = t.store.all();
      expect([`target-${i}`, images.length]).toEqual([`target-${i}`, 1]);
      expect(images[0]).toMatchObject({
        status: 'active',
        size: bytes.sizeBytes,
        os_hash_algo: 'sha512',
        os_hash_value: bytes.sha512,
        checksum: bytes.md5,
      });
    });

    // The faults did happen, on every kind, and on the data PUTs as well as the API calls.
    const total = stats.reduce((a, s) => ({
      requests: a.requests + s.requests,
      delayed: a.delayed + s.delayed,
      errors: a.errors + s.errors,
      throttled: a.throttled + s.throttled,
      dropped: a.dropped + s.dropped,
      lostResponses: a.lostResponses + s.lostResponses,
    }));
    expect(total.errors).toBeGreaterThan(10);
    expect(total.throttled).toBeGreaterThan(10);
    expect(total.dropped).toBeGreaterThan(0);
    expect(total.lostResponses).toBeGreaterThan(0);
    const metrics = (await Promise.all(workers.map(async (w) => (await fetch(`${w.url}/metrics`)).text()))).join('\n');
    const failedPuts = metrics
      .split('\n')
      .filter((l) => l.startsWith('image_broker_provider_call_errors_total{') && l.includes('PUT /v2/images/{id}/file'))
      .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
    expect(failedPuts).toBeGreaterThan(0);

    // Every job ran to success once; none is left queued or running.
    const db = await connectDatabase(api.databaseUrl);
    try {
      const { rows } = await db.query<{ state: string; n: string }>(
        "SELECT state, count(*) AS n FROM jobs WHERE type = 'replicate' GROUP BY state",
      );
      expect(rows).toEqual([{ state: 'succeeded', n: String(TARGETS) }]);
    } finally {
      await db.end();
    }
  });
});
