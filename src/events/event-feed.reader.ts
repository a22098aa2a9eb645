import type { EventType } from '../platform/events/event-types';
import type { PrismaClient } from '../platform/persistence/generated/client';
import { FEED_START, type FeedPosition, decodeFeedCursor, encodeFeedCursor } from './event-cursor';

export interface FeedEvent {
  id: string;
  type: string;
  at: Date;
  subject: string;
  data: Record<string, unknown>;
}

export interface FeedPage {
  items: FeedEvent[];
  nextCursor: string;
}

interface FeedRow extends FeedEvent {
  tx_id: string;
}

/**
 * Reads the event feed in (transaction id, event id) order, and only the
 * events of transactions older than every one still running (the visibility
 * horizon, `pg_snapshot_xmin`). An event id is taken when the row is written,
 * not when its transaction commits, so a long transaction can commit an id
 * below ids a reader has already passed; its transaction id, though, is below
 * the horizon only once it has ended, so a cursor past it never skips it.
 * The price: one long-running writer holds the feed back until it ends.
 * (Plain class, built by EventsModule, so its medium spec runs without Nest.)
 */
export class EventFeedReader {
  constructor(private readonly prisma: Pick<PrismaClient, '$queryRawUnsafe'>) {}

  async page(after: string | undefined, types: readonly EventType[] | undefined, limit: number): Promise<FeedPage> {
    const from: FeedPosition = after === undefined ? FEED_START : decodeFeedCursor(after);
    const rows = await this.prisma.$queryRawUnsafe<FeedRow[]>(
      `SELECT id::text AS id, type, at, subject, data, tx_id::text AS tx_id FROM events
       WHERE tx_id < pg_snapshot_xmin(pg_current_snapshot())
         AND (tx_id, id) > ($1::xid8, $2::bigint)
         AND ($3::text[] IS NULL OR type = ANY($3::text[]))
       ORDER BY events.tx_id, events.id
       LIMIT $4`,
      from.txId,
      from.id,
      types && types.length > 0 ? types : null,
      limit,
    );
    const last = rows.at(-1);
    return {
      items: rows.map(({ id, type, at, subject, data }) => ({ id, type, at, subject, data })),
      nextCursor: encodeFeedCursor(last ? { txId: last.tx_id, id: last.id } : from),
    };
  }
}
