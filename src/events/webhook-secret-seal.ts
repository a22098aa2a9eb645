/**
 * What a webhook's sealed secret is bound to: its id, so a ciphertext copied
 * onto another webhook's row does not open.
 */
export function webhookSecretAssociatedData(webhookId: string): string {
  return `webhook:${webhookId}`;
}
