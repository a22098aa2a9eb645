import { Injectable } from '@nestjs/common';
import { BadRequestError } from '../platform/errors/app.errors';
import { PrismaService } from '../platform/persistence/prisma.service';
import type { DeliveryAttemptDto, WebhookDeliveryDto, WebhookDeliveryListDto } from './dto/webhook.dto';
import type { DeliveryAttempt } from './delivery-attempt';

interface DeliveryRow {
  id: string;
  seq: string;
  event_id: string;
  event_type: string | null;
  ordering_key: string;
  state: string;
  next_attempt_at: Date;
  delivered_at: Date | null;
  log: DeliveryAttempt[];
}

/** A webhook's deliveries, newest first, each with every attempt made. */
@Injectable()
export class WebhookDeliveriesReader {
  constructor(private readonly prisma: PrismaService) {}

  async page(webhookId: string, cursor: string | undefined, limit: number): Promise<WebhookDeliveryListDto> {
    const before = cursor === undefined ? null : decodeSeq(cursor);
    const rows = await this.prisma.$queryRawUnsafe<DeliveryRow[]>(
      `SELECT d.id::text AS id, d.seq::text AS seq, d.event_id::text AS event_id, e.type AS event_type,
              d.ordering_key, d.state, d.next_attempt_at, d.delivered_at, d.log
       FROM webhook_deliveries d LEFT JOIN events e ON e.id = d.event_id
       WHERE d.webhook_id = $1::uuid AND ($2::bigint IS NULL OR d.seq < $2::bigint)
       ORDER BY d.seq DESC LIMIT $3`,
      webhookId,
      before,
      limit + 1,
    );
    const items = rows.slice(0, limit);
    return {
      items: items.map(present),
      nextCursor: rows.length > limit ? Buffer.from(items[items.length - 1].seq).toString('base64url') : null,
    };
  }
}

function present(row: DeliveryRow): WebhookDeliveryDto {
  return {
    id: row.id,
    eventId: row.event_id,
    eventType: row.event_type ?? 'unknown',
    orderingKey: row.ordering_key,
    state: row.state,
    // Null also while held behind an earlier delivery of its key (its next attempt follows that one's end).
    nextAttemptAt:
      row.state === 'pending' && row.next_attempt_at.getUTCFullYear() < 9999 ? row.next_attempt_at.toISOString() : null,
    deliveredAt: row.delivered_at?.toISOString() ?? null,
    attempts: row.log.map((a): DeliveryAttemptDto => ({
      attempt: a.attempt,
      at: a.at,
      statusCode: a.statusCode,
      error: a.error,
      durationMs: a.durationMs,
      response: a.response,
    })),
  };
}

function decodeSeq(cursor: string): string {
  const seq = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^\d{1,18}$/.test(seq)) {
    throw new BadRequestError('cursor is not a cursor this API issued', [
      { field: 'cursor', message: 'is not a cursor this API issued' },
    ]);
  }
  return seq;
}
