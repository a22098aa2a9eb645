import { BadRequestError } from '../errors/app.errors';
import { isUuid } from '../persistence/uuid';

/**
 * Opaque keyset cursors: the sort they belong to, the last row's sort value
 * and its id. Keyset (not offset) paging stays fast and stable while a sync
 * writes to the table.
 */
export interface KeysetPosition {
  sort: string;
  value: string | number | null;
  id: string;
}

export function encodeCursor(position: KeysetPosition): string {
  return Buffer.from(JSON.stringify([position.sort, position.value, position.id])).toString('base64url');
}

/** What a sort column holds, so a cursor's value is checked against it before it reaches a query. */
export type CursorColumn =
  { kind: 'text'; nullable: boolean } | { kind: 'timestamp'; nullable: boolean } | { kind: 'int64'; nullable: boolean };

/** The value of a decoded cursor, typed for its column. */
export type CursorValue = string | Date | bigint | null;

const INT64_TEXT = /^-?\d{1,19}$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function refuse(message: string): never {
  throw new BadRequestError(message, [{ field: 'cursor', message }]);
}

/**
 * The position a cursor names, checked field by field: a cursor is opaque to
 * clients but it is their input, and a hand-made one (an id that is not a UUID,
 * a date that is not a date, a NUL) must be a 400 naming `cursor`, not a
 * database error.
 */
export function decodeCursor(
  cursor: string,
  expectedSort: string,
  column: CursorColumn,
): { sort: string; value: CursorValue; id: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 3 ||
    typeof parsed[0] !== 'string' ||
    typeof parsed[2] !== 'string' ||
    !(parsed[1] === null || typeof parsed[1] === 'string' || typeof parsed[1] === 'number')
  ) {
    refuse('cursor is not a cursor this API issued');
  }
  if (parsed[0] !== expectedSort) {
    if (parsed[0].length > 20 || !/^-?[A-Za-z]+$/.test(parsed[0])) refuse('cursor is not a cursor this API issued');
    throw new BadRequestError(`cursor belongs to sort '${parsed[0]}', not '${expectedSort}'`, [
      {
        field: 'cursor',
        message: `cursor belongs to sort '${parsed[0]}'; repeat the query with that sort or drop the cursor`,
      },
    ]);
  }
  if (!isUuid(parsed[2])) refuse('cursor is not a cursor this API issued (its row id is not a UUID)');
  return { sort: parsed[0], value: cursorValue(parsed[1] as string | number | null, column), id: parsed[2] };
}

function cursorValue(raw: string | number | null, column: CursorColumn): CursorValue {
  if (raw === null) {
    if (!column.nullable) refuse('cursor is not a cursor this API issued (its sort value cannot be null)');
    return null;
  }
  switch (column.kind) {
    case 'text':
      if (typeof raw !== 'string' || raw.includes('\u0000')) refuse('cursor is not a cursor this API issued');
      return raw;
    case 'timestamp': {
      const date = typeof raw === 'string' && /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(raw) ? new Date(raw) : null;
      if (!date || Number.isNaN(date.getTime()))
        refuse('cursor is not a cursor this API issued (its date is not valid)');
      return date;
    }
    case 'int64': {
      const text = typeof raw === 'number' && Number.isSafeInteger(raw) ? String(raw) : raw;
      const value = typeof text === 'string' && INT64_TEXT.test(text) ? BigInt(text) : null;
      if (value === null || value < INT64_MIN || value > INT64_MAX) {
        refuse('cursor is not a cursor this API issued (its size is not an integer)');
      }
      return value;
    }
  }
}

/**
 * The Prisma `where` that selects rows after `position` for ORDER BY
 * column dir NULLS LAST, id ASC.
 */
export function afterPosition(
  column: string,
  descending: boolean,
  nullable: boolean,
  value: unknown,
  id: string,
): Record<string, unknown> {
  if (value === null) return { AND: [{ [column]: null }, { id: { gt: id } }] };
  const beyond = { [column]: descending ? { lt: value } : { gt: value } };
  const tie = { AND: [{ [column]: value }, { id: { gt: id } }] };
  return { OR: nullable ? [beyond, tie, { [column]: null }] : [beyond, tie] };
}
