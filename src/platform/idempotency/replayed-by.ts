import { SetMetadata, type Type } from '@nestjs/common';

/**
 * How a route's answer is kept in its Idempotency-Key record and rebuilt on a
 * replay, for answers that must not be stored as they are (presigned URLs:
 * bearer credentials that would outlive their purpose in the database, and
 * expire before the record does).
 */
export interface ReplayableAnswer {
  /** What is stored in place of the answer: nothing secret. */
  toStored(answer: unknown): unknown;
  /** The answer again, from what toStored kept (URLs signed afresh, say). */
  fromStored(stored: unknown): Promise<unknown>;
}

export const REPLAYED_BY = 'idempotency:replayed-by';

/** The provider (any module's) that stores and rebuilds this route's answer for Idempotency-Key replays. */
export const ReplayedBy = (type: Type<ReplayableAnswer>) => SetMetadata(REPLAYED_BY, type);
