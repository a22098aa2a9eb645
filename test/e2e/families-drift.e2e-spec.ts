import { randomBytes } from 'node:crypto';
import { BrokerProcess, READER_SECRET, WRITER_SECRET } from '../../harness/broker-process';
import { freePort } from '../../harness/free-port';
import { startEmbeddedS3, type EmbeddedS3 } from '../../sandbox/embedded-s3';
import { createFptEmulator } from '../../src/providers/kinds/fpt-metal-cloud/emulator/fpt.emulator';
import { glanceProvidersYaml, NHN_TOKEN, startGlancePair, type GlanceEmulator } from '../support/glance-fixtures';
import { TestImageBytes } from '../support/image-bytes';
import { waitFor } from '../support/wait-for';
import { WebhookReceiver } from '../support/webhook-receiver';

const VPC = '0f6c1f2e-3b4a-4d5e-8f90-123456789abc';

interface Placement {
  id: string;
  provider: string;
  imageId: string | null;
  nativeId: string | null;
  status: string;
  jobId: string | null;
  error: { code: string; message: string } | null;
}
interface Version {
  placements: Placement[];
}
interface FeedEvent {
  id: string;
  type: string;
  subject: string;
  data: Record<string, unknown>;
}

const FAMILY_EVENTS = ['version.published', 'placement.active', 'placement.failed', 'placement.drifted'];

/**
 * Issue 15, desired placement is kept: an image deleted upstream behind the
 * broker's back is found by the next sync; the placement turns drifted with
 * an event, a family with `onDrift: repair` places it again on its own, one
 * with `report` waits for the retry route. A webhook receiver, down through
 * all of it, then gets every family event, signed, in order per family.
 */
describe('families: a placement gone upstream is drifted, and repaired when the family says so', () => {
  const bytes = new TestImageBytes(3 * 1024 * 1024 + 5, 'families-drift');
  let s3: EmbeddedS3;
  let nhn: GlanceEmulator;
  let vietnix: GlanceEmulator;
  let fpt: ReturnType<typeof createFptEmulator>;
  let broker: BrokerProcess;
  const receiver = new WebhookReceiver((event) => String(event.data.family));
  let webhookId: string;

  const write = <T>(path: string, method: string, body?: unknown) =>
    broker.api<T>(path, { method, body, secret: WRITER_SECRET });
  const fptPlacement = async (family: string) =>
    (await broker.api<Version>(`/v1/families/${family}/versions/1.0`, { secret: READER_SECRET })).body.placements.find(
      (p) => p.provider === 'fpt-hcm',
    )!;

  async function placementOnFpt(family: string, wanted: (p: Placement) => boolean): Promise<Placement> {
    let last: Placement | undefined;
    await waitFor(async () => wanted((last = await fptPlacement(family))), 120_000, 200);
    return last!;
  }

  async function sync(provider: string): Promise<void> {
    const job = await write<{ id: string }>(`/v1/providers/${provider}/sync`, 'POST');
    expect(job.status).toBe(202);
    expect((await broker.waitForJob(job.body.id, 60_000)).state).toBe('succeeded');
  }

  beforeAll(async () => {
    s3 = await startEmbeddedS3();
    const pair = await startGlancePair({ nhn: 1, standard: 1 });
    nhn = pair.nhn;
    vietnix = pair.standard;
    fpt = createFptEmulator({ vpcId: VPC, tokens: ['fpt-token'], partSizeBytes: 2 * 1024 * 1024 });
    const fptUrl = await fpt.listen();
    const receiverPort = await freePort();
    const receiverUrl = await receiver.listen(receiverPort);
    broker = await BrokerProcess.start({
      label: 'families-drift',
      providersYaml:
        glanceProvidersYaml(pair.nhnUrl, pair.standardUrl) +
        `  - name: fpt-hcm\n    kind: fpt-metal-cloud\n    endpoint: ${fptUrl}\n    vpcId: ${VPC}\n    region: hcm\n    auth: { type: bearer, token: fpt-token }\n`,
      env: {
        NHN_TOKEN,
        ...s3.env,
        SECRETS_KEY: randomBytes(32).toString('base64'),
        WEBHOOK_RETRY_BASE_MS: '200',
        IMPORT_ALLOWED_ADDRESSES: `127.0.0.1:${receiverPort}`,
      },
    });
    const hook = await broker.api<{ id: string; secret: string }>('/v1/webhooks', {
      method: 'POST',
      body: { url: receiverUrl, events: FAMILY_EVENTS },
    });
    expect(hook.status).toBe(201);
    webhookId = hook.body.id;
    receiver.verifyWith(hook.body.secret);
    const image = await write<{ id: string }>('/v1/images', 'POST', {
      provider: 'vietnix-hcm',
      name: 'drift-source',
      diskFormat: 'raw',
      containerFormat: 'bare',
      sha256: bytes.sha256,
      os: { type: 'linux', distro: 'ubuntu', version: '24.04' },
    });
    expect(image.status).toBe(201);
    const put = await broker.putImageFile(image.body.id, bytes.stream());
    expect((await broker.waitForJob(put.body.id)).state).toBe('succeeded');
    // Two families of the same image: the second reuses the first's copy at FPT (identical bytes).
    for (const [name, onDrift] of [
      ['drift-repair', 'repair'],
      ['drift-report', 'report'],
    ]) {
      const family = await write('/v1/families', 'POST', {
        name,
        targets: [{ provider: 'vietnix-hcm' }, { provider: 'fpt-hcm' }],
        onDrift,
      });
      expect(family.status).toBe(201);
      const published = await write(`/v1/families/${name}/versions`, 'POST', {
        version: '1.0',
        imageId: image.body.id,
      });
      expect(published.status).toBe(202);
      await placementOnFpt(name, (p) => p.status === 'active');
    }
  }, 180_000);

  afterAll(async () => {
    await broker?.stop();
    await Promise.all([nhn?.close(), vietnix?.close(), fpt?.close(), receiver.close()]);
    await s3?.close();
  });

  it('drifts both placements when their copy is deleted at FPT and a sync runs; repair places a new copy, report waits for a retry', async () => {
    const before = await fptPlacement('drift-repair');
    expect((await fptPlacement('drift-report')).nativeId).toBe(before.nativeId);
    fpt.store.deleteCustom(before.nativeId!);
    await sync('fpt-hcm');

    const reported = await placementOnFpt('drift-report', (p) => p.status === 'drifted');
    expect(reported.error).toMatchObject({ code: 'vanished_upstream' });
    expect(reported.error!.message).toContain(before.nativeId!);

    const repaired = await placementOnFpt(
      'drift-repair',
      (p) => p.status === 'active' && p.nativeId !== before.nativeId,
    );
    expect(repaired.jobId).not.toBe(before.jobId);
    expect(repaired.error).toBeNull();
    expect(fpt.store.customRecords().filter((i) => i.sha256 === bytes.sha256)).toHaveLength(1);

    const feed = await broker.api<{ items: FeedEvent[] }>('/v1/events?type=placement.drifted&limit=50', {
      secret: READER_SECRET,
    });
    expect(
      feed.body.items.map((e) => [e.subject, e.data.provider, (e.data.error as { code: string }).code]).sort(),
    ).toEqual([
      ['families/drift-repair/versions/1.0', 'fpt-hcm', 'vanished_upstream'],
      ['families/drift-report/versions/1.0', 'fpt-hcm', 'vanished_upstream'],
    ]);

    // The report family's placement is placed again when asked: it reuses the repaired copy.
    const retried = await write(`/v1/families/drift-report/versions/1.0/placements/${reported.id}/retry`, 'POST');
    expect(retried.status).toBe(202);
    const again = await placementOnFpt('drift-report', (p) => p.status === 'active');
    expect(again.nativeId).toBe(repaired.nativeId);
    expect(fpt.store.customRecords().filter((i) => i.sha256 === bytes.sha256)).toHaveLength(1);
  }, 180_000);

  it('delivers every family event to a webhook that was down, signed, at least once and in order per family', async () => {
    // Down so far: deliveries were attempted, failed with 503 and wait with backoff, each family's in line.
    const attempts = await broker.api<{ items: Array<{ attempts: unknown[] }> }>(
      `/v1/webhooks/${webhookId}/deliveries`,
    );
    expect(attempts.body.items.some((d) => d.attempts.length >= 1)).toBe(true);
    expect(receiver.received).toEqual([]);

    const feed = await broker.api<{ items: Array<FeedEvent & { subject: string }> }>(
      `/v1/events?${FAMILY_EVENTS.map((t) => `type=${t}`).join('&')}&limit=500`,
      { secret: READER_SECRET },
    );
    const expected = new Map<string, string[]>();
    for (const e of feed.body.items) {
      const family = String(e.data.family);
      expected.set(family, [...(expected.get(family) ?? []), e.id]);
    }
    expect([...expected.keys()].sort()).toEqual(['drift-repair', 'drift-report']);
    expect(expected.get('drift-repair')!.length).toBeGreaterThanOrEqual(5);

    receiver.down = false;
    await waitFor(async () => new Set(receiver.received.map((r) => r.id)).size >= feed.body.items.length, 60_000);
    expect(receiver.badSignatures).toEqual([]);
    expect(receiver.firstReceiptsByKey()).toEqual(expected);
  }, 120_000);

  it('leaves a placement alone when a sync finds its copy unchanged', async () => {
    const before = await fptPlacement('drift-repair');
    await sync('fpt-hcm');
    await sync('vietnix-hcm');
    expect(await fptPlacement('drift-repair')).toMatchObject({ status: 'active', nativeId: before.nativeId });
  }, 120_000);
  it("drifts the placements of a copy deleted through the broker's own DELETE, and repairs where the family says so", async () => {
    const before = await fptPlacement('drift-repair');
    expect((await fptPlacement('drift-report')).imageId).toBe(before.imageId);
    expect((await write(`/v1/images/${before.imageId}`, 'DELETE')).status).toBe(204);

    const reported = await placementOnFpt('drift-report', (p) => p.status === 'drifted');
    expect(reported.error).toMatchObject({ code: 'vanished_upstream' });
    const repaired = await placementOnFpt('drift-repair', (p) => p.status === 'active' && p.imageId !== before.imageId);
    expect(repaired.nativeId).not.toBe(before.nativeId);
    expect(fpt.store.customRecords().filter((i) => i.sha256 === bytes.sha256)).toHaveLength(1);
    // Resolve follows at once: the deleted copy is never answered.
    await write('/v1/families/drift-report/channels/stable', 'PUT', { version: '1.0', force: true });
    const resolved = await broker.api<{ placementStatus?: string }>(
      '/v1/families/drift-report/resolve?channel=stable&provider=fpt-hcm',
      { secret: READER_SECRET },
    );
    expect(resolved.status).toBe(404);
    expect(resolved.body.placementStatus).toBe('drifted');
  }, 120_000);
});
