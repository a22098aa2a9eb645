import { Webhook } from 'standardwebhooks';
import type { PrismaClient } from '../platform/persistence/generated/client';
import type { ResolvedTarget } from '../uploads/import/import-url.guard';
import type { DeliveryAttempt } from './delivery-attempt';
import { retryDelayMs, retryWindowOver } from './delivery-backoff';
import type { SendOutcome } from './webhook-sender';

export interface WebhookDispatcherOptions {
  /** WEBHOOK_RETRY_BASE_MS: the first retry delay. */
  retryBaseMs: number;
  /** One attempt's whole budget: connect, send, answer. */
  timeoutMs: number;
  /** Deliveries claimed per round (at most one per webhook and ordering key). */
  batchSize: number;
  /** The pause between rounds that found nothing to do. */
  idleMs: number;
}

export interface WebhookDispatcherPorts {
  db: Pick<PrismaClient, '$queryRawUnsafe' | '$executeRawUnsafe'>;
  /** The webhook's signing secret, opened from its sealed form. */
  openSecret: (sealed: Uint8Array, webhookId: string) => string;
  /** The URL guard: the address to connect to, or a refusal. */
  resolve: (url: URL) => Promise<ResolvedTarget>;
  send: (
    url: URL,
    target: ResolvedTarget,
    headers: Record<string, string>,
    body: string,
    timeoutMs: number,
  ) => Promise<SendOutcome>;
  log: (message: string) => void;
}

interface ClaimedDelivery {
  id: string;
  webhook_id: string;
  attempts: number;
  created_at: Date;
  url: string;
  secret: Uint8Array;
  event_id: string;
  type: string;
  at: Date;
  subject: string;
  data: Record<string, unknown>;
}

/**
 * The next attempt of a delivery held behind an earlier one of its key: so
 * the claim's scan of due rows meets only the heads of the keys, however long
 * a backlog behind a receiver that is down (a timestamp, not 'infinity', which
 * JavaScript dates cannot hold).
 */
export const HELD = `'9999-12-31T00:00:00Z'::timestamptz`;
/** How often a round also makes due any head left held (a fan-out that raced the end of the delivery before it). */
const UNHOLD_EVERY_MS = 10_000;

/** Time a claimed delivery is held by its worker beyond the attempt's own timeout; a dead worker's comes back after. */
const CLAIM_MARGIN_MS = 30_000;

/**
 * Delivers committed events to webhooks, in every worker process at once:
 *
 * - fan-out: each webhook's events of transactions below the visibility
 *   horizon (all ended, so none is missed) become deliveries, numbered in
 *   feed order; a webhook row locked by another worker is skipped;
 * - delivery: the due head of each (webhook, ordering key) is claimed with
 *   FOR UPDATE SKIP LOCKED and held by pushing its next attempt past the
 *   attempt's timeout (a worker that dies lets it come back: at least once),
 *   posted signed as Standard Webhooks with the event id as `webhook-id`, and
 *   recorded: delivered, or retried with exponential backoff for 24 hours. A
 *   pending delivery holds back the later ones of its key, not other keys.
 *
 * A plain class (EventsWorkerModule builds it) so its parts run without Nest.
 */
export class WebhookDispatcher {
  private loop?: Promise<void>;
  private stopping = false;
  private wakeUp?: () => void;

  constructor(
    private readonly ports: WebhookDispatcherPorts,
    private readonly options: WebhookDispatcherOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.run();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    this.wakeUp?.();
    await this.loop;
    this.loop = undefined;
  }

  /** Turns the events of newly ended transactions into deliveries; returns how many. */
  async fanOut(): Promise<number> {
    const [{ fanned }] = await this.ports.db.$queryRawUnsafe<Array<{ fanned: bigint }>>(
      `WITH horizon AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS h),
       hooks AS (
         SELECT w.id, w.events, w.fanned_out_before FROM webhooks w, horizon
         WHERE w.fanned_out_before < horizon.h
           -- the horizon moves with every transaction anywhere: a webhook row is written only for new events
           AND EXISTS (SELECT 1 FROM events e WHERE e.tx_id >= w.fanned_out_before AND e.tx_id < horizon.h)
         FOR UPDATE OF w SKIP LOCKED
       ),
       fanned AS (
         INSERT INTO webhook_deliveries (id, webhook_id, event_id, ordering_key, next_attempt_at)
         SELECT gen_random_uuid(), fresh.webhook_id, fresh.event_id, fresh.ordering_key,
           -- Only the head of its key is due; the rest are held until the one before them ends.
           CASE WHEN fresh.first AND NOT EXISTS (
               SELECT 1 FROM webhook_deliveries p
               WHERE p.webhook_id = fresh.webhook_id AND p.ordering_key = fresh.ordering_key AND p.state = 'pending')
             THEN now() ELSE ${HELD} END
         FROM (
           SELECT hooks.id AS webhook_id, e.id AS event_id, e.ordering_key, e.tx_id,
             row_number() OVER (PARTITION BY hooks.id, e.ordering_key ORDER BY e.tx_id, e.id) = 1 AS first
           FROM hooks JOIN events e
             ON e.tx_id >= hooks.fanned_out_before AND e.tx_id < (SELECT h FROM horizon) AND e.type = ANY(hooks.events)
         ) fresh
         ORDER BY fresh.webhook_id, fresh.tx_id, fresh.event_id
         ON CONFLICT (webhook_id, event_id) DO NOTHING
         RETURNING 1
       ),
       moved AS (
         UPDATE webhooks w SET fanned_out_before = (SELECT h FROM horizon) FROM hooks WHERE w.id = hooks.id
         RETURNING 1
       )
       SELECT (SELECT count(*) FROM fanned) AS fanned, (SELECT count(*) FROM moved) AS hooks`,
    );
    return Number(fanned);
  }

  /**
   * Makes due every held delivery that no pending one of its key precedes. The
   * fan-out and the end of a delivery each make the next one due, but a
   * fan-out that commits while the last pending delivery of its key ends can
   * leave its first one held with nothing before it; this finds it.
   */
  async unholdHeads(): Promise<number> {
    return this.ports.db.$executeRawUnsafe(
      `UPDATE webhook_deliveries d SET next_attempt_at = now()
       WHERE d.state = 'pending' AND d.next_attempt_at = ${HELD}
         AND NOT EXISTS (
           SELECT 1 FROM webhook_deliveries p
           WHERE p.webhook_id = d.webhook_id AND p.ordering_key = d.ordering_key
             AND p.state = 'pending' AND p.seq < d.seq)`,
    );
  }

  /** Claims the due deliveries and makes one attempt at each; returns how many were attempted. */
  async deliverDue(): Promise<number> {
    const claimed = await this.ports.db.$queryRawUnsafe<ClaimedDelivery[]>(
      `WITH picked AS (
         SELECT c.id FROM webhook_deliveries c
         WHERE c.state = 'pending' AND c.next_attempt_at <= now()
           AND NOT EXISTS (
             SELECT 1 FROM webhook_deliveries p
             WHERE p.webhook_id = c.webhook_id AND p.ordering_key = c.ordering_key
               AND p.state = 'pending' AND p.seq < c.seq)
         ORDER BY c.seq
         LIMIT $1
         FOR UPDATE OF c SKIP LOCKED
       )
       UPDATE webhook_deliveries d
       SET attempts = d.attempts + 1, next_attempt_at = now() + $2 * interval '1 millisecond'
       FROM picked, webhooks w, events e
       WHERE d.id = picked.id AND w.id = d.webhook_id AND e.id = d.event_id
       RETURNING d.id::text AS id, d.webhook_id::text AS webhook_id, d.attempts, d.created_at, w.url, w.secret,
                 e.id::text AS event_id, e.type, e.at, e.subject, e.data`,
      this.options.batchSize,
      this.options.timeoutMs + CLAIM_MARGIN_MS,
    );
    await Promise.all(claimed.map((delivery) => this.attempt(delivery)));
    return claimed.length;
  }

  private async attempt(delivery: ClaimedDelivery): Promise<void> {
    const now = new Date();
    let outcome: SendOutcome;
    try {
      outcome = await this.post(delivery, now);
    } catch (error) {
      outcome = { statusCode: null, error: (error as Error).message, response: null, durationMs: 0 };
    }
    const delivered = outcome.error === null;
    const givenUp = !delivered && retryWindowOver(delivery.created_at, new Date());
    const entry: DeliveryAttempt = { attempt: delivery.attempts, at: now.toISOString(), ...outcome };
    const next = new Date(Date.now() + retryDelayMs(delivery.attempts, this.options.retryBaseMs));
    // One statement: a delivery that ended (delivered or given up) makes the next of its key due, atomically.
    await this.ports.db.$executeRawUnsafe(
      `WITH ended AS (
         UPDATE webhook_deliveries
         SET state = $2, next_attempt_at = $3, delivered_at = CASE WHEN $2 = 'delivered' THEN now() END,
             log = log || jsonb_build_array($4::jsonb)
         WHERE id = $1::uuid
         RETURNING webhook_id, ordering_key, seq, state
       ), following AS (
         SELECT n.id FROM ended, LATERAL (
           SELECT p.id FROM webhook_deliveries p
           WHERE p.webhook_id = ended.webhook_id AND p.ordering_key = ended.ordering_key
             AND p.state = 'pending' AND p.seq > ended.seq
           ORDER BY p.seq LIMIT 1) n
         WHERE ended.state <> 'pending'
       )
       UPDATE webhook_deliveries d SET next_attempt_at = now()
       FROM following WHERE d.id = following.id AND d.next_attempt_at = ${HELD}`,
      delivery.id,
      delivered ? 'delivered' : givenUp ? 'failed' : 'pending',
      delivered || givenUp ? now : next,
      JSON.stringify(entry),
    );
    if (givenUp) {
      this.ports.log(
        `webhook ${delivery.webhook_id}: gave up delivering event ${delivery.event_id} after ${delivery.attempts} attempts`,
      );
    }
  }

  private async post(delivery: ClaimedDelivery, now: Date): Promise<SendOutcome> {
    const url = new URL(delivery.url);
    const target = await this.ports.resolve(url);
    const secret = this.ports.openSecret(delivery.secret, delivery.webhook_id);
    const body = JSON.stringify({
      type: delivery.type,
      timestamp: delivery.at.toISOString(),
      subject: delivery.subject,
      data: delivery.data,
    });
    const headers = {
      'webhook-id': delivery.event_id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign(delivery.event_id, now, body),
      'user-agent': 'image-broker-webhooks',
    };
    return this.ports.send(url, target, headers, body, this.options.timeoutMs);
  }

  private async run(): Promise<void> {
    let unheldAt = 0;
    while (!this.stopping) {
      let busy = false;
      try {
        await this.fanOut();
        if (Date.now() - unheldAt >= UNHOLD_EVERY_MS) {
          unheldAt = Date.now();
          await this.unholdHeads();
        }
        // Each round sends one delivery per key at most: go straight on while there was any, so a
        // backlog drains at the receivers' pace, not one delivery per key per pause.
        busy = (await this.deliverDue()) > 0;
      } catch (error) {
        this.ports.log(`webhook dispatch round failed: ${(error as Error).message}`);
      }
      if (!busy) await this.pause(this.options.idleMs);
    }
  }

  private pause(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }
}
