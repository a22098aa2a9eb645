import { Module } from '@nestjs/common';
import { PrismaService } from '../platform/persistence/prisma.service';
import { EventFeedReader } from './event-feed.reader';
import { EventsController } from './events.controller';

/** The event feed (`GET /v1/events`) and webhook registrations. */
@Module({
  controllers: [EventsController],
  providers: [
    {
      provide: EventFeedReader,
      useFactory: (prisma: PrismaService) => new EventFeedReader(prisma),
      inject: [PrismaService],
    },
  ],
})
export class EventsModule {}
