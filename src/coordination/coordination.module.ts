import { Global, Inject, Injectable, Module, type OnModuleDestroy } from '@nestjs/common';
import type IORedis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { createRedisConnection } from './redis-connection';
import { SharedVersion } from './shared-version';

/** The Redis connection for the broker's own coordination keys (versions, call limits). */
export const COORDINATION_REDIS = Symbol('COORDINATION_REDIS');

/** Bumped by every catalogue write; API replicas key their page cache by it. */
@Injectable()
export class CatalogueVersion extends SharedVersion {
  constructor(@Inject(COORDINATION_REDIS) redis: IORedis, config: AppConfig) {
    super(redis, `${config.redisPrefix}:catalogue:version`);
  }
}

/** Bumped when a provider connection is created, changed or deleted at run time. */
@Injectable()
export class ProviderConnectionsVersion extends SharedVersion {
  constructor(@Inject(COORDINATION_REDIS) redis: IORedis, config: AppConfig) {
    super(redis, `${config.redisPrefix}:providers:version`);
  }
}

@Injectable()
class CoordinationRedisCloser implements OnModuleDestroy {
  constructor(@Inject(COORDINATION_REDIS) private readonly redis: IORedis) {}

  onModuleDestroy(): void {
    this.redis.disconnect();
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
    CatalogueVersion,
    ProviderConnectionsVersion,
    CoordinationRedisCloser,
  ],
  exports: [COORDINATION_REDIS, CatalogueVersion, ProviderConnectionsVersion],
})
export class CoordinationModule {}
