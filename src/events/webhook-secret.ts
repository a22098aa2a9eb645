import { randomBytes } from 'node:crypto';

/** Standard Webhooks secrets: `whsec_` and 24 to 64 random bytes in base64. */
const SECRET = /^whsec_([A-Za-z0-9+/]+={0,2})$/;
const MIN_BYTES = 24;
const MAX_BYTES = 64;

/** A new signing secret, as Standard Webhooks libraries take it. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** Why a secret a client chose cannot sign deliveries, or null when it can. */
export function webhookSecretProblem(secret: string): string | null {
  const match = SECRET.exec(secret);
  if (!match) return 'must be `whsec_` followed by base64, as Standard Webhooks secrets are';
  const bytes = Buffer.from(match[1], 'base64').length;
  if (bytes < MIN_BYTES || bytes > MAX_BYTES) return `must hold ${MIN_BYTES} to ${MAX_BYTES} bytes, not ${bytes}`;
  return null;
}
