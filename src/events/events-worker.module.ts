import { Logger, Module } from '@nestjs/common';
import { AppConfig } from '../platform/config/app-config';
import { ServiceUnavailableError } from '../platform/errors/app.errors';
import { PrismaService } from '../platform/persistence/prisma.service';
import { SecretsKeyring } from '../providers/connections/secrets-keyring';
import { WebhookDispatcher } from './webhook-dispatcher';
import { webhookSecretAssociatedData } from './webhook-secret-seal';
import { sendWebhook } from './webhook-sender';
import { WebhookUrlCheck } from './webhook-url-check';

/** One attempt's budget: a receiver that takes longer is retried later. */
const DELIVERY_TIMEOUT_MS = 10_000;

/** ROLE=worker's part of the event feed: webhook deliveries, in every worker process. */
@Module({
  providers: [
    WebhookUrlCheck,
    {
      provide: WebhookDispatcher,
      useFactory: (prisma: PrismaService, config: AppConfig, urls: WebhookUrlCheck) => {
        const logger = new Logger(WebhookDispatcher.name);
        const keyring = config.secretsKey ? new SecretsKeyring(config.secretsKey, config.secretsKeyPrevious) : null;
        return new WebhookDispatcher(
          {
            db: prisma,
            openSecret: (sealed, webhookId) => {
              if (!keyring) throw new ServiceUnavailableError('SECRETS_KEY is not set, so the secret cannot be opened');
              return keyring.open(sealed, webhookSecretAssociatedData(webhookId)).plaintext;
            },
            resolve: (url) => urls.resolve(url),
            send: sendWebhook,
            log: (message) => logger.warn(message),
          },
          { retryBaseMs: config.webhookRetryBaseMs, timeoutMs: DELIVERY_TIMEOUT_MS, batchSize: 20, idleMs: 250 },
        );
      },
      inject: [PrismaService, AppConfig, WebhookUrlCheck],
    },
  ],
})
export class EventsWorkerModule {}
