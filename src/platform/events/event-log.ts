import { Injectable } from '@nestjs/common';
import type { Prisma } from '../persistence/generated/client';
import type { BrokerEvent } from './event-types';

/**
 * Appends to the event feed (the `events` table). Each owner of a change calls
 * it with its own transaction client, so an event exists exactly when its
 * change committed: the feed and the webhooks read only committed events.
 */
@Injectable()
export class EventLog {
  async append(tx: Prisma.TransactionClient, events: readonly BrokerEvent[]): Promise<void> {
    if (events.length === 0) return;
    await tx.event.createMany({
      data: events.map((e) => ({
        type: e.type,
        subject: e.subject,
        orderingKey: e.orderingKey,
        data: e.data as Prisma.InputJsonValue,
      })),
    });
  }
}
