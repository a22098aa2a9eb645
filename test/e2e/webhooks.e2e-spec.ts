import { randomBytes } from 'node:crypto';
import { BrokerProcess, READER_SECRET } from '../../harness/broker-process';
import { freePort } from '../../harness/free-port';
import { glanceProvidersYaml, NHN_TOKEN, startGlancePair, type GlanceEmulator } from '../support/glance-fixtures';
import { waitFor } from '../support/wait-for';
import { WebhookReceiver } from '../support/webhook-receiver';

interface FeedEvent {
  id: string;
  type: string;
  data: Record<string, unknown>;
}
/** The broker's ordering keys, as the receiver can tell them from a payload: the provider, else the job. */
function orderingKeyOf(event: { data: Record<string, unknown> }): string {
  return String(event.data.provider ?? event.data.id);
}

describe('webhooks', () => {
  const types = ['image.appeared', 'job.succeeded'];
  const receiver = new WebhookReceiver(orderingKeyOf);
  let nhn: GlanceEmulator;
  let standard: GlanceEmulator;
  let broker: BrokerProcess;
  let receiverUrl: string;
  let webhookId: string;

  async function sync(provider: string): Promise<void> {
    const { body } = await broker.api<{ id: string }>(`/v1/providers/${provider}/sync`, { method: 'POST' });
    expect((await broker.waitForJob(body.id)).state).toBe('succeeded');
  }

  async function feed(): Promise<FeedEvent[]> {
    const out: FeedEvent[] = [];
    let after = '';
    for (;;) {
      const query = `${types.map((t) => `type=${t}`).join('&')}&limit=500${after ? `&after=${after}` : ''}`;
      const { body } = await broker.api<{ items: FeedEvent[]; nextCursor: string }>(`/v1/events?${query}`, {
        secret: READER_SECRET,
      });
      out.push(...body.items);
      after = body.nextCursor;
      if (body.items.length < 500) return out;
    }
  }

  beforeAll(async () => {
    const port = await freePort();
    receiverUrl = await receiver.listen(port);
    let nhnUrl: string;
    let standardUrl: string;
    ({ nhn, standard, nhnUrl, standardUrl } = await startGlancePair({ nhn: 30, standard: 20 }));
    broker = await BrokerProcess.start({
      label: 'webhooks',
      providersYaml: glanceProvidersYaml(nhnUrl, standardUrl),
      env: {
        NHN_TOKEN,
        SECRETS_KEY: randomBytes(32).toString('base64'),
        WEBHOOK_RETRY_BASE_MS: '200',
        // The receiver is on loopback, which the address guard refuses unless allowed (as for imports).
        IMPORT_ALLOWED_ADDRESSES: `127.0.0.1:${port}`,
      },
    });
  });

  afterAll(async () => {
    await broker?.stop();
    await Promise.all([nhn?.close(), standard?.close(), receiver.close()]);
  });

  it('registers a URL and returns its whsec_ secret once, never again', async () => {
    const { status, body, headers } = await broker.api<{ id: string; secret: string; events: string[] }>(
      '/v1/webhooks',
      { method: 'POST', body: { url: receiverUrl, events: types } },
    );
    expect(status).toBe(201);
    expect(body.secret).toMatch(/^whsec_/);
    expect(body.events).toEqual(types);
    expect(headers.get('location')).toBe(`/v1/webhooks/${body.id}`);
    webhookId = body.id;
    receiver.verifyWith(body.secret);

    const one = await broker.api<Record<string, unknown>>(`/v1/webhooks/${webhookId}`);
    expect(one.status).toBe(200);
    expect(one.body).not.toHaveProperty('secret');
    expect(JSON.stringify(one.body)).not.toContain(body.secret);
    const all = await broker.api<{ items: Array<Record<string, unknown>> }>('/v1/webhooks');
    expect(all.body.items.map((w) => w.id)).toContain(webhookId);
    expect(JSON.stringify(all.body)).not.toContain('whsec_');
  });

  it('needs the admin scope', async () => {
    const { status } = await broker.api('/v1/webhooks', {
      method: 'POST',
      secret: READER_SECRET,
      body: { url: receiverUrl, events: types },
    });
    expect(status).toBe(403);
  });

  it.each(['http://169.254.169.254/latest/meta-data', 'http://10.1.2.3/hooks', 'http://127.0.0.1:1/hooks'])(
    'refuses %s with the address guard of imports, naming url',
    async (url) => {
      const { status, body } = await broker.api<{ errors?: Array<{ field: string }> }>('/v1/webhooks', {
        method: 'POST',
        body: { url, events: types },
      });
      expect(status).toBe(422);
      expect(body.errors?.[0]?.field).toBe('url');
    },
  );

  it('refuses an unknown event type naming events', async () => {
    const { status, body } = await broker.api('/v1/webhooks', {
      method: 'POST',
      body: { url: receiverUrl, events: ['image.exploded'] },
    });
    expect([400, 422]).toContain(status);
    expect(JSON.stringify(body)).toContain('events');
  });

  it('delivers every event at least once, signed, in order per ordering key, after the receiver was down', async () => {
    await sync('nhn-kr1');
    await sync('vietnix-hcm');
    const expected = await feed();
    expect(expected.length).toBeGreaterThan(40);

    // Down: attempts fail with 503, are retried with backoff, and hold back later deliveries of their key.
    await waitFor(async () => {
      const { body } = await broker.api<{ items: Array<{ attempts: unknown[] }> }>(
        `/v1/webhooks/${webhookId}/deliveries`,
      );
      return body.items.some((d) => d.attempts.length >= 2);
    });
    expect(receiver.received).toEqual([]);
    receiver.down = false;

    await waitFor(async () => new Set(receiver.received.map((r) => r.id)).size >= expected.length, 60_000);
    expect(receiver.badSignatures).toEqual([]);
    const expectedByKey = new Map<string, string[]>();
    for (const e of expected) {
      const key = orderingKeyOf(e);
      expectedByKey.set(key, [...(expectedByKey.get(key) ?? []), e.id]);
    }
    expect(receiver.firstReceiptsByKey()).toEqual(expectedByKey);
  });

  it('lists each delivery with its attempts: the failures, their status codes, and the success', async () => {
    const { status, body } = await broker.api<{
      items: Array<{
        eventId: string;
        eventType: string;
        state: string;
        nextAttemptAt: string | null;
        attempts: Array<{ attempt: number; statusCode: number | null; error: string | null; response: string | null }>;
      }>;
    }>(`/v1/webhooks/${webhookId}/deliveries?limit=500`);
    expect(status).toBe(200);
    const retried = body.items.find((d) => d.attempts.length >= 2)!;
    expect(retried.state).toBe('delivered');
    expect(retried.nextAttemptAt).toBeNull();
    expect(retried.attempts[0]).toMatchObject({ attempt: 1, statusCode: 503, error: 'answered 503' });
    // The receiver's answer is kept scrubbed: what looks like a secret is not.
    expect(retried.attempts[0].response).toContain('down for maintenance');
    expect(retried.attempts[0].response).not.toContain('hunter2');
    expect(retried.attempts.at(-1)).toMatchObject({ statusCode: 204, error: null });
    expect(types).toContain(retried.eventType);
  });

  it('stops delivering once deleted, and then is gone', async () => {
    expect((await broker.api(`/v1/webhooks/${webhookId}`, { method: 'DELETE' })).status).toBe(204);
    expect((await broker.api(`/v1/webhooks/${webhookId}`)).status).toBe(404);
    expect((await broker.api(`/v1/webhooks/${webhookId}/deliveries`)).status).toBe(404);
  });
});
