/**
 * Every event type the broker records (CONTRACT.md, "Families"): the feed's
 * `type` filter, the webhooks' subscriptions and openapi.json list these.
 */
export const EVENT_TYPES = [
  'image.appeared',
  'image.changed',
  'image.vanished',
  'job.succeeded',
  'job.failed',
  'version.published',
  'placement.active',
  'placement.failed',
  'placement.drifted',
  'channel.moved',
  'version.deprecated',
  'version.obsoleted',
  'version.revoked',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** One change that matters, as its owner records it in the transaction of the change. */
export interface BrokerEvent {
  type: EventType;
  /** What it is about: `families/gpu-base/versions/2026.12`, `images/{id}`, `jobs/{id}`. */
  subject: string;
  /** Deliveries keep order per key: the family's name, else the provider's, else the job's id. */
  orderingKey: string;
  data: Record<string, unknown>;
}
