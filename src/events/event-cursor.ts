import { BadRequestError } from '../platform/errors/app.errors';

/**
 * A position in the event feed: the last event's writing transaction and its
 * id. The feed is ordered by (txId, id), so a position stays valid while
 * events with lower ids commit after it was handed out.
 */
export interface FeedPosition {
  /** xid8 as decimal text: it exceeds 2^53 in principle. */
  txId: string;
  id: string;
}

/** Before every event. */
export const FEED_START: FeedPosition = { txId: '0', id: '0' };

const TAG = 'e1';
const UINT64_TEXT = /^\d{1,20}$/;
const UINT64_MAX = 2n ** 64n - 1n;

export function encodeFeedCursor(position: FeedPosition): string {
  return Buffer.from(`${TAG}.${position.txId}.${position.id}`).toString('base64url');
}

/** The position a cursor names; anything this API did not issue is a 400 naming `after`. */
export function decodeFeedCursor(cursor: string): FeedPosition {
  const refuse = (): never => {
    throw new BadRequestError('after is not a cursor this API issued', [
      { field: 'after', message: 'is not a cursor this API issued' },
    ]);
  };
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(cursor)) refuse();
  const parts = Buffer.from(cursor, 'base64url').toString('utf8').split('.');
  if (parts.length !== 3 || parts[0] !== TAG) refuse();
  const [, txId, id] = parts;
  if (!UINT64_TEXT.test(txId) || BigInt(txId) > UINT64_MAX) refuse();
  if (!UINT64_TEXT.test(id) || BigInt(id) > 2n ** 63n - 1n) refuse();
  return { txId, id };
}
