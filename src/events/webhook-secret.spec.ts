import { Webhook } from 'standardwebhooks';
import { generateWebhookSecret, webhookSecretProblem } from './webhook-secret';

describe('webhook signing secrets', () => {
  it('are generated as Standard Webhooks secrets the library signs with', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_/);
    expect(webhookSecretProblem(secret)).toBeNull();
    const at = new Date();
    const signature = new Webhook(secret).sign('42', at, '{}');
    const headers = {
      'webhook-id': '42',
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': signature,
    };
    expect(new Webhook(secret).verify('{}', headers)).toEqual({});
  });

  it.each([
    ['not-prefixed', 'must be `whsec_`'],
    [`whsec_${Buffer.alloc(8).toString('base64')}`, 'not 8'],
    ['whsec_!!!', 'must be `whsec_`'],
  ])('refuses %p', (secret, problem) => {
    expect(webhookSecretProblem(secret)).toContain(problem);
  });
});
