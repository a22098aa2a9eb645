import { randomBytes } from 'node:crypto';
import IORedis from 'ioredis';
import { Client } from 'pg';

export const PG_BASE_URL = process.env.TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A database name and Redis prefix no other test file or run uses. */
export function isolatedNames(label: string): { database: string; redisPrefix: string; databaseUrl: string } {
  const suffix = `${process.pid}_${randomBytes(4).toString('hex')}`;
  const database = `ib_test_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${suffix}`;
  return { database, redisPrefix: `ibt-${label}-${suffix}`, databaseUrl: `${PG_BASE_URL}/${database}` };
}

export async function dropDatabase(database: string): Promise<void> {
  const client = new Client({ connectionString: `${PG_BASE_URL}/postgres` });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

export async function deleteRedisPrefix(prefix: string): Promise<void> {
  const redis = new IORedis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** A pg client on the test's own database, for asserting what the broker stored. */
export async function connectDatabase(databaseUrl: string): Promise<Client> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  return client;
}
