import { Global, Inject, Injectable, Logger, Module, type OnModuleDestroy } from '@nestjs/common';
import type IORedis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { LEASES } from './lease';
import { createRedisConnection } from './redis-connection';
import { RedisLeases } from './redis-leases';
import { SharedVersion } from './shared-version';

/** The Redis connection for the broker's own coordination keys (versions, leases). */
export const COORDINATION_REDIS = Symbol('COORDINATION_REDIS');

/** Pub/sub needs a connection of its own: API replicas watch versions and cancels on it, workers an upload's intake. */
export const COORDINATION_SUBSCRIBER = Symbol('COORDINATION_SUBSCRIBER');

/** Bumped by every catalogue write; API replicas key their page cache by it and watch it. */
@Injectable()
export class CatalogueVersion extends SharedVersion {
  constructor(
    @Inject(COORDINATION_REDIS) redis: IORedis,
    @Inject(COORDINATION_SUBSCRIBER) subscriber: IORedis | null,
    config: AppConfig,
  ) {
    super(redis, `${config.redisPrefix}:catalogue:version`, (m) => new Logger(CatalogueVersion.name).warn(m));
    if (subscriber) this.watch(subscriber);
  }
}

/** Bumped when a provider connection is created, changed or deleted at run time. */
@Injectable()
export class ProviderConnectionsVersion extends SharedVersion {
  constructor(@Inject(COORDINATION_REDIS) redis: IORedis, config: AppConfig) {
    super(redis, `${config.redisPrefix}:providers:version`, (m) => new Logger(ProviderConnectionsVersion.name).warn(m));
  }
}

@Injectable()
class CoordinationRedisCloser implements OnModuleDestroy {
  constructor(
    @Inject(COORDINATION_REDIS) private readonly redis: IORedis,
    @Inject(COORDINATION_SUBSCRIBER) private readonly subscriber: IORedis | null,
  ) {}

  onModuleDestroy(): void {
    this.redis.disconnect();
    this.subscriber?.disconnect();
  }
}

@Global()
@Module({
  providers: [
    {
      provide: COORDINATION_REDIS,
      useFactory: (config: AppConfig) => createRedisConnection(config, 'producer'),
      inject: [AppConfig],
    },
    {
      provide: COORDINATION_SUBSCRIBER,
      useFactory: (config: AppConfig) => createRedisConnection(config, 'worker'),
      inject: [AppConfig],
    },
    {
      provide: LEASES,
      useFactory: (redis: IORedis) =>
        new RedisLeases(redis, (key, error) =>
          new Logger(RedisLeases.name).warn(`lease ${key} not renewed: ${error.message}`),
        ),
      inject: [COORDINATION_REDIS],
    },
    CatalogueVersion,
    ProviderConnectionsVersion,
    CoordinationRedisCloser,
  ],
  exports: [COORDINATION_REDIS, COORDINATION_SUBSCRIBER, LEASES, CatalogueVersion, ProviderConnectionsVersion],
})
export class CoordinationModule {}
