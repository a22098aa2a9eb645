import { Module } from '@nestjs/common';
import { PrismaService } from '../platform/persistence/prisma.service';
import { EventFeedReader } from './event-feed.reader';
import { EventsController } from './events.controller';
import { WebhookDeliveriesReader } from './webhook-deliveries.reader';
import { WebhookStore } from './webhook-store';
import { WebhookUrlCheck } from './webhook-url-check';
import { WebhooksController } from './webhooks.controller';

/** The event feed (`GET /v1/events`) and webhook registrations. */
@Module({
  controllers: [EventsController, WebhooksController],
  providers: [
    {
      provide: EventFeedReader,
      useFactory: (prisma: PrismaService) => new EventFeedReader(prisma),
      inject: [PrismaService],
    },
    WebhookStore,
    WebhookUrlCheck,
    WebhookDeliveriesReader,
  ],
})
export class EventsModule {}
