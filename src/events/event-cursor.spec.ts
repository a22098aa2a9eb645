import { BadRequestError } from '../platform/errors/app.errors';
import { decodeFeedCursor, encodeFeedCursor } from './event-cursor';

describe('the event feed cursor', () => {
  it('names the position it was made from', () => {
    const position = { txId: '18446744073709551615', id: '9223372036854775807' };
    expect(decodeFeedCursor(encodeFeedCursor(position))).toEqual(position);
  });

  it.each([
    '',
    'not-a-cursor',
    Buffer.from('e1.x.1').toString('base64url'),
    Buffer.from('e1.1.-1').toString('base64url'),
  ])('refuses %p as a 400 naming after', (cursor) => {
    try {
      decodeFeedCursor(cursor);
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(BadRequestError);
      expect((error as BadRequestError).errors?.[0]?.field).toBe('after');
    }
  });
});
