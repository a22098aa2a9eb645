import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface Received {
  id: string;
  type: string;
  key: string;
  subject: string;
}

/**
 * A webhook receiver on 127.0.0.1 that verifies every delivery's signature
 * (the standardwebhooks package) and can be down (503). `keyOf` tells the
 * ordering key from a payload, as a receiver would.
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  readonly badSignatures: string[] = [];
  down = true;
  private server?: Server;
  private verifier?: Webhook;

  constructor(private readonly keyOf: (event: { subject: string; data: Record<string, unknown> }) => string) {}

  async listen(port: number): Promise<string> {
    this.server = createServer((request, response) => {
      void readBody(request).then((body) => {
        if (this.down) {
          response.writeHead(503, { 'content-type': 'text/plain' }).end('down for maintenance, token=hunter2');
          return;
        }
        try {
          const payload = this.verifier!.verify(body, {
            'webhook-id': String(request.headers['webhook-id']),
            'webhook-timestamp': String(request.headers['webhook-timestamp']),
            'webhook-signature': String(request.headers['webhook-signature']),
          }) as { type: string; subject: string; data: Record<string, unknown> };
          this.received.push({
            id: String(request.headers['webhook-id']),
            type: payload.type,
            subject: payload.subject,
            key: this.keyOf(payload),
          });
          response.writeHead(204).end();
        } catch (error) {
          this.badSignatures.push((error as Error).message);
          response.writeHead(400).end();
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  verifyWith(secret: string): void {
    this.verifier = new Webhook(secret);
  }

  /** First receipt of each event id, per ordering key, in the order received. */
  firstReceiptsByKey(): Map<string, string[]> {
    const byKey = new Map<string, string[]>();
    const seen = new Set<string>();
    for (const r of this.received) {
      if (seen.has(r.id)) continue;
      seen.add(r.id);
      byKey.set(r.key, [...(byKey.get(r.key) ?? []), r.id]);
    }
    return byKey;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}
