import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN_SECRET, BrokerProcess, READER_SECRET, WRITER_SECRET } from '../../harness/broker-process';
import { startEmbeddedS3, type EmbeddedS3 } from '../../sandbox/embedded-s3';
import { startSandboxEmulators, type SandboxEmulators } from '../../sandbox/sandbox-emulators';
import {
  describeRequest,
  fuzzRequests,
  requestBytes,
  type FuzzFixtures,
  type FuzzRequest,
  type OpenApiDocument,
} from '../support/fuzz-requests';
import { TestImageBytes } from '../support/image-bytes';
import { rawExchange, type RawResponse } from '../support/raw-http';

/**
 * Requests derived from openapi.json, mutated the way a careless or hostile
 * client would (see test/support/fuzz-requests.ts), sent to the built broker
 * with an emulator behind every provider connection, so write routes reach the
 * adapters. Seeded: FUZZ_SEED repeats a run, FUZZ_ONLY=<index> sends one request
 * of it again, FUZZ_REQUESTS changes the count (default 3,000).
 */
// A fixed default, so CI runs the same requests every time; FUZZ_SEED explores others.
const SEED = Number(process.env.FUZZ_SEED ?? 1_172_949_514);
const COUNT = Number(process.env.FUZZ_REQUESTS ?? 3_000);
const ONLY = process.env.FUZZ_ONLY === undefined ? undefined : Number(process.env.FUZZ_ONLY);
/** Requests in flight at once: enough to overlap the broker's I/O, few enough for a loaded 2-core machine. */
const LANES = 4;
/** A crashed broker is started again so the run goes on and reports everything; past this many, the run stops. */
const MAX_RESTARTS = Number(process.env.FUZZ_MAX_RESTARTS ?? 3);
/** Sending stops after this long (the count is then short, and the report says so): the run is bounded in time too. */
const BUDGET_MS = Number(process.env.FUZZ_BUDGET_MS ?? 150_000);

interface Failure {
  request: FuzzRequest;
  response?: RawResponse;
  why: string;
}

/** What is wrong with an answer, or undefined when it is one the API may give. */
function judge(response: RawResponse): string | undefined {
  if (response.status === 0) return 'no answer within 20 s';
  if (response.status < 0) return `no answer: ${response.error ?? 'connection closed'}`;
  if (response.status < 400) return undefined;
  let problem: Record<string, unknown> | undefined;
  try {
    problem = JSON.parse(response.body) as Record<string, unknown>;
  } catch {
    problem = undefined;
  }
  // 501 is the documented answer for an operation the provider lacks (docs/providers.md), not a failure.
  if (response.status === 501 && problem?.type === 'https://image-broker.dev/problems/operation-not-supported') {
    return undefined;
  }
  if (response.status >= 500) return `a ${response.status}`;
  if (!/^application\/problem\+json\b/.test(response.headers['content-type'] ?? '')) {
    return `a ${response.status} as ${response.headers['content-type'] ?? 'no content type'}, not problem+json`;
  }
  if (
    !problem ||
    typeof problem.type !== 'string' ||
    typeof problem.title !== 'string' ||
    typeof problem.detail !== 'string' ||
    problem.status !== response.status
  ) {
    return `a ${response.status} without the RFC 9457 members type, title, status (= the HTTP status) and detail`;
  }
  return undefined;
}

function isAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('fuzzing every route of openapi.json', () => {
  let s3: EmbeddedS3;
  let clouds: SandboxEmulators;
  let broker: BrokerProcess;
  let fixtures: FuzzFixtures;

  async function created<T>(path: string, body: unknown, secret = ADMIN_SECRET): Promise<T> {
    const res = await broker.api<T>(path, { method: 'POST', body, secret });
    if (res.status >= 300) throw new Error(`fixture ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  }

  beforeAll(async () => {
    s3 = await startEmbeddedS3();
    clouds = await startSandboxEmulators(4);
    broker = await BrokerProcess.start({
      label: 'fuzz',
      providersYaml: clouds.providersYaml,
      env: {
        ...clouds.env,
        ...s3.env,
        LOG_LEVEL: 'warn',
        // Webhooks need a key to seal their secrets; the fixture webhook posts to a closed local port.
        SECRETS_KEY: Buffer.alloc(32, 5).toString('base64'),
        IMPORT_ALLOWED_ADDRESSES: '127.0.0.1:9',
      },
    });
    const syncs = await Promise.all(
      clouds.providerNames.map((name) => created<{ id: string }>(`/v1/providers/${name}/sync`, undefined)),
    );
    for (const job of syncs) expect((await broker.waitForJob(job.id, 90_000)).state).toBe('succeeded');
    const images = (await broker.api<{ items: Array<{ id: string; provider: string }> }>('/v1/images?limit=500')).body
      .items;
    const pending = await created<{ id: string }>(
      '/v1/images',
      { provider: 'vietnix-hcm', name: 'fuzz-pending', diskFormat: 'raw', containerFormat: 'bare' },
      WRITER_SECRET,
    );
    const session = await created<{ uploadId: string }>(
      `/v1/images/${pending.id}/upload-sessions`,
      { sizeBytes: 10 * 1024 * 1024 },
      WRITER_SECRET,
    );
    const source = images.find((i) => i.provider === 'nhn-kr1') ?? images[0];
    const replication = await created<{ id: string; targets: Array<{ id: string }> }>(
      `/v1/images/${source.id}/replications`,
      { targets: [{ provider: 'vietnix-hcm' }] },
      WRITER_SECRET,
    );
    // A family on vietnix-hcm, published from an image uploaded there (placed at once), with a channel on it.
    const goldenBytes = new TestImageBytes(64 * 1024, 'fuzz-golden');
    const golden = await created<{ id: string }>(
      '/v1/images',
      {
        provider: 'vietnix-hcm',
        name: 'fuzz-golden',
        diskFormat: 'raw',
        containerFormat: 'bare',
        sha256: goldenBytes.sha256,
        os: { type: 'linux' },
      },
      WRITER_SECRET,
    );
    const upload = await broker.putImageFile(golden.id, goldenBytes.stream());
    expect((await broker.waitForJob(upload.body.id, 60_000)).state).toBe('succeeded');
    await created('/v1/families', { name: 'fuzz-family', targets: [{ provider: 'vietnix-hcm' }] }, WRITER_SECRET);
    const version = await created<{ placements: Array<{ id: string }> }>(
      '/v1/families/fuzz-family/versions',
      { version: '1.0', imageId: golden.id },
      WRITER_SECRET,
    );
    const moved = await broker.api('/v1/families/fuzz-family/channels/stable', {
      method: 'PUT',
      body: { version: '1.0' },
      secret: WRITER_SECRET,
    });
    expect(moved.status).toBe(200);
    const family = { name: 'fuzz-family', version: '1.0', channel: 'stable', placementId: version.placements[0].id };
    const webhook = await created<{ id: string }>('/v1/webhooks', {
      url: 'http://127.0.0.1:9/hook',
      events: ['version.published', 'image.vanished'],
    });
    fixtures = {
      imageIds: images.map((i) => i.id).slice(0, 12),
      pendingImageIds: [pending.id],
      jobIds: syncs.map((j) => j.id),
      uploadIds: [session.uploadId],
      replication: { imageId: source.id, replicationId: replication.id, targetId: replication.targets[0].id },
      providerNames: clouds.providerNames,
      family,
      webhookIds: [webhook.id],
      secrets: { admin: ADMIN_SECRET, reader: READER_SECRET, writer: WRITER_SECRET },
    };
  }, 180_000);

  afterAll(async () => {
    await broker?.stop();
    await clouds?.close();
    await s3?.close();
  });

  it(
    'answers every request with a 2xx, 3xx or a 4xx problem+json, never a 5xx, and stays up',
    async () => {
      const spec = JSON.parse(readFileSync(join(__dirname, '..', '..', 'openapi.json'), 'utf8')) as OpenApiDocument;
      const all = fuzzRequests(spec, fixtures, SEED, ONLY === undefined ? COUNT : ONLY + 1);
      const requests = ONLY === undefined ? all : [all[ONLY]];
      const tally = new Map<number, number>();
      const failures: Failure[] = [];
      const crashes: FuzzRequest[][] = [];
      const inFlight = new Set<FuzzRequest>();
      /** Requests whose connection was cut without an answer while the process died. */
      const lastWords: FuzzRequest[] = [];
      let next = 0;
      let restarting: Promise<void> | undefined;
      const started = Date.now();

      /** After a crash: note what was in flight, start the broker again on the same database. */
      async function restartAfterCrash(): Promise<void> {
        // Give the other lanes a moment to notice the same death, then keep what had no answer.
        await new Promise((r) => setTimeout(r, 200));
        crashes.push([...lastWords.splice(0), ...inFlight]);
        if (crashes.length > MAX_RESTARTS) return;
        broker.launch();
        await broker.waitUntilReady();
      }

      async function lane(): Promise<void> {
        while (next < requests.length && crashes.length <= MAX_RESTARTS && Date.now() - started < BUDGET_MS) {
          const request = requests[next++];
          await restarting;
          const send = () =>
            rawExchange(broker.port, requestBytes(request, broker.port), {
              halfClose: request.halfClose,
              timeoutMs: 20_000,
            });
          inFlight.add(request);
          let response = await send();
          inFlight.delete(request);
          if (response.status < 0 && !isAlive(broker.pid)) {
            // The request that got no answer may be the one that killed the process: keep it with the crash.
            if (!/ECONNREFUSED/.test(response.error ?? '')) lastWords.push(request);
            restarting ??= restartAfterCrash().finally(() => (restarting = undefined));
            await restarting;
            // Refused: never delivered, so sent again to the new process.
            if (/ECONNREFUSED/.test(response.error ?? '') && crashes.length <= MAX_RESTARTS) response = await send();
          }
          tally.set(response.status, (tally.get(response.status) ?? 0) + 1);
          // A server may answer a request it will not read the body of and close the connection
          // (RFC 9112, section 9.6); a client still writing a body past the 1 MiB limit can then
          // see its write fail before it reads the answer. Only for such a body, and only while the
          // process is alive, a cut while sending counts as that refusal rather than a failure.
          const cutWhileSending =
            response.status < 0 &&
            /EPIPE|ECONNRESET/.test(response.error ?? '') &&
            (request.body?.length ?? 0) > 1024 * 1024 &&
            isAlive(broker.pid);
          const why = cutWhileSending ? undefined : judge(response);
          if (why) failures.push({ request, response, why });
        }
      }
      await Promise.all(Array.from({ length: LANES }, () => lane()));

      const live = await fetch(`${broker.url}/health/live`).then(
        (r) => r.status,
        () => -1,
      );
      const sent = [...tally.values()].reduce((a, b) => a + b, 0);
      const byStatus = [...tally.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}: ${n}`);
      const report = [
        `fuzz seed ${SEED}: ${sent} requests in ${((Date.now() - started) / 1000).toFixed(1)} s; by status ${byStatus.join(', ')}`,
        `health/live after the run: ${live}; broker restarts after a crash: ${Math.min(crashes.length, MAX_RESTARTS)}`,
        sent < requests.length ? `stopped after ${sent} of ${requests.length} requests (time budget or crashes)` : '',
        ...crashes.map(
          (c, i) => `crash ${i + 1}; cut off without an answer or in flight:\n${c.map(describeRequest).join('\n')}`,
        ),
        ...failures
          .slice(0, 40)
          .map((f) => `${f.why}:\n${describeRequest(f.request)}\n  → ${f.response?.body.slice(0, 300) ?? ''}`),
        failures.length > 40 ? `… and ${failures.length - 40} more failures` : '',
        failures.length + crashes.length > 0
          ? `repeat with FUZZ_SEED=${SEED} (one request: FUZZ_SEED=${SEED} FUZZ_ONLY=<#>) npx jest test/e2e/fuzz.e2e-spec.ts`
          : '',
      ].filter(Boolean);
      console.log(report.join('\n'));

      expect({ crashes: crashes.length, failures: failures.length, live }).toEqual({
        crashes: 0,
        failures: 0,
        live: 200,
      });
      expect(isAlive(broker.pid)).toBe(true);
    },
    BUDGET_MS + 120_000,
  );
});
