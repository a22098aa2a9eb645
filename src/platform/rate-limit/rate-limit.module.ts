import { type DynamicModule, Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import type IORedis from 'ioredis';
import { AuthModule } from '../auth/auth.module';
import { AppConfig } from '../config/app-config';
import { COORDINATION_REDIS } from '../coordination/coordination.module';
import { RedisThrottlerStorage } from './redis-throttler.storage';

/**
 * RATE_LIMIT_REQUESTS per API key per RATE_LIMIT_WINDOW_SECONDS, held in
 * Redis; over it, a 429 problem with Retry-After. Absent when the limit is 0.
 * Its guard, ApiKeyThrottlerGuard, is registered by AppModule ahead of the
 * API key guard (see rateLimited there).
 */
@Module({})
export class RateLimitModule {
  static forRoot(config: AppConfig): DynamicModule {
    if (config.rateLimit.requests === 0) return { module: RateLimitModule };
    return {
      module: RateLimitModule,
      imports: [
        AuthModule,
        ThrottlerModule.forRootAsync({
          inject: [AppConfig, COORDINATION_REDIS],
          useFactory: (appConfig: AppConfig, redis: IORedis) => ({
            throttlers: [
              {
                name: 'default',
                limit: appConfig.rateLimit.requests,
                ttl: appConfig.rateLimit.windowSeconds * 1000,
              },
            ],
            storage: new RedisThrottlerStorage(redis, appConfig.redisPrefix),
          }),
        }),
      ],
    };
  }
}
