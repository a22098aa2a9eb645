import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../platform/config/app-config';
import { NotFoundError, ServiceUnavailableError, UnprocessableError } from '../platform/errors/app.errors';
import type { EventType } from '../platform/events/event-types';
import type { Webhook } from '../platform/persistence/generated/client';
import { PrismaService } from '../platform/persistence/prisma.service';
import { isUuid } from '../platform/persistence/uuid';
import { SecretsKeyring } from '../providers/connections/secrets-keyring';
import { webhookSecretAssociatedData } from './webhook-secret-seal';
import { generateWebhookSecret, webhookSecretProblem } from './webhook-secret';
import { WebhookUrlCheck } from './webhook-url-check';

/** A webhook as the API shows it: never its secret. */
export type StoredWebhook = Pick<Webhook, 'id' | 'url' | 'events' | 'createdAt' | 'createdBy'>;

const SHOWN = { id: true, url: true, events: true, createdAt: true, createdBy: true } as const;

/**
 * Webhook registrations (the `webhooks` table): the URL passes the import
 * address guard, the secret is sealed with SECRETS_KEY (the keyring of
 * provider credentials) and handed back only by create.
 */
@Injectable()
export class WebhookStore {
  private readonly keyring: SecretsKeyring | null;

  constructor(
    private readonly prisma: PrismaService,
    private readonly urls: WebhookUrlCheck,
    config: AppConfig,
  ) {
    this.keyring = config.secretsKey ? new SecretsKeyring(config.secretsKey, config.secretsKeyPrevious) : null;
  }

  async create(
    body: { url: string; events: EventType[]; secret?: string },
    createdBy: string,
  ): Promise<{ webhook: StoredWebhook; secret: string }> {
    if (!this.keyring) {
      throw new ServiceUnavailableError('SECRETS_KEY is not set, so webhook secrets cannot be stored');
    }
    if (body.secret !== undefined) {
      const problem = webhookSecretProblem(body.secret);
      if (problem) throw new UnprocessableError(`secret ${problem}`, [{ field: 'secret', message: problem }]);
    }
    await this.urls.refuseForbidden(body.url);
    const secret = body.secret ?? generateWebhookSecret();
    const id = randomUUID();
    const webhook = await this.prisma.webhook.create({
      data: {
        id,
        url: body.url,
        events: [...new Set(body.events)],
        secret: new Uint8Array(this.keyring.seal(secret, webhookSecretAssociatedData(id))),
        createdBy,
      },
      select: SHOWN,
    });
    return { webhook, secret };
  }

  list(): Promise<StoredWebhook[]> {
    return this.prisma.webhook.findMany({ select: SHOWN, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  }

  async get(id: string): Promise<StoredWebhook> {
    const row = isUuid(id) ? await this.prisma.webhook.findUnique({ where: { id }, select: SHOWN }) : null;
    if (!row) throw new NotFoundError(`No webhook has the id '${id}'`);
    return row;
  }

  /** Deletes the webhook and its deliveries; one in flight finishes, and its outcome is dropped. */
  async delete(id: string): Promise<void> {
    const { count } = isUuid(id) ? await this.prisma.webhook.deleteMany({ where: { id } }) : { count: 0 };
    if (count === 0) throw new NotFoundError(`No webhook has the id '${id}'`);
  }
}
