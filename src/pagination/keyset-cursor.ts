import { BadRequestError } from '../errors/app.errors';

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

export function decodeCursor(cursor: string, expectedSort: string): KeysetPosition {
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
    throw new BadRequestError('cursor is not a cursor this API issued', [
      { field: 'cursor', message: 'cursor is not a cursor this API issued' },
    ]);
  }
  if (parsed[0] !== expectedSort) {
    throw new BadRequestError(`cursor belongs to sort '${parsed[0]}', not '${expectedSort}'`, [
      {
        field: 'cursor',
        message: `cursor belongs to sort '${parsed[0]}'; repeat the query with that sort or drop the cursor`,
      },
    ]);
  }
  return { sort: parsed[0], value: parsed[1] as string | number | null, id: parsed[2] };
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
