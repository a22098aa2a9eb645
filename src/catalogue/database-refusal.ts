/**
 * PostgreSQL error classes that say "this data cannot be stored", as opposed to
 * "the database cannot be reached": data exceptions (22: bad encoding, out of
 * range, invalid JSON), integrity violations (23), cardinality (21) and
 * program limits (54: an index row too large, nesting too deep).
 */
const REFUSAL_CLASSES: Readonly<Record<string, string>> = {
  '21': 'the database refused the row (cardinality violation)',
  '22': 'the database refused a value of the row (data exception)',
  '23': 'the database refused the row (integrity constraint)',
  '54': 'the row exceeds a database limit (a value too large to index, or nested too deeply)',
};

/**
 * A short, public reason when the error is PostgreSQL refusing the data of a
 * statement (so writing its rows one by one can isolate the bad one); null for
 * any other failure (connection lost, timeout), which must fail the sync. The
 * reason never carries the database's own text: that stays in the log.
 */
export function databaseRefusal(error: unknown): string | null {
  const sqlState = sqlStateOf(error);
  if (sqlState === null) return null;
  const reason = REFUSAL_CLASSES[sqlState.slice(0, 2)];
  return reason === undefined ? null : `${reason}, SQLSTATE ${sqlState}`;
}

/** The SQLSTATE of a Prisma raw-query error on the pg driver adapter (P2010), or of a pg error. */
function sqlStateOf(error: unknown): string | null {
  const candidates = [
    path(error, ['meta', 'driverAdapterError', 'cause', 'originalCode']),
    path(error, ['meta', 'driverAdapterError', 'cause', 'code']),
    path(error, ['meta', 'code']),
    path(error, ['code']),
  ];
  const found = candidates.find((value): value is string => typeof value === 'string' && /^[0-9A-Z]{5}$/.test(value));
  return found ?? null;
}

function path(value: unknown, keys: string[]): unknown {
  let current = value;
  for (const key of keys) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
