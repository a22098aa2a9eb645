import IORedis, { type RedisOptions } from 'ioredis';
import type { AppConfig } from '../../config/app-config';

/**
 * Redis connections for BullMQ. Workers block on Redis, so they need
 * maxRetriesPerRequest: null; producers fail fast instead of queueing commands
 * while Redis is away, so an API call never hangs on a dead Redis.
 */
export function createRedisConnection(config: AppConfig, purpose: 'worker' | 'producer'): IORedis {
  const options: RedisOptions =
    purpose === 'worker'
      ? { maxRetriesPerRequest: null, enableReadyCheck: true }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 5_000 };
  const client = new IORedis(config.redisUrl, { ...options, lazyConnect: purpose === 'producer' });
  // Without a listener ioredis prints every reconnect failure as an unhandled error.
  client.on('error', () => undefined);
  return client;
}
