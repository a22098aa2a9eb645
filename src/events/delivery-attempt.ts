/** One attempt of a webhook delivery, as `webhook_deliveries.log` keeps it. */
export interface DeliveryAttempt {
  attempt: number;
  /** ISO 8601. */
  at: string;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  /** The start of the receiver's answer, scrubbed (scrubbed-response.ts). */
  response: string | null;
}
