import IORedis, { type RedisOptions } from 'ioredis';
import type { AppConfig } from '../config/app-config';

/**
 * Redis connections for BullMQ and the broker's own keys. Workers block on
 * Redis, so they need maxRetriesPerRequest: null. Producers allow one retry,
 * so a command waits through a reconnect but fails within seconds when Redis
 * is really down, and an API call never hangs on a dead Redis. Producers
 * connect lazily, on their first command.
 */
export function createRedisConnection(config: AppConfig, purpose: 'worker' | 'producer'): IORedis {
  const options: RedisOptions =
    purpose === 'worker'
      ? { maxRetriesPerRequest: null, enableReadyCheck: true }
      : { maxRetriesPerRequest: 1, connectTimeout: 5_000 };
  const client = new IORedis(config.redisUrl, { ...options, lazyConnect: purpose === 'producer' });
  // Without a listener ioredis prints every reconnect failure as an unhandled error.
  client.on('error', () => undefined);
  return client;
}
