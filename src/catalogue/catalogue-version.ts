import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type IORedis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { createRedisConnection } from '../jobs/queue/redis-connection';

/**
 * A counter in Redis that every write to the catalogue bumps once it has
 * committed. API replicas key their response cache by it, so a cached page is
 * never served after the catalogue changed, whichever process changed it.
 */
@Injectable()
export class CatalogueVersion implements OnModuleDestroy {
  private readonly logger = new Logger(CatalogueVersion.name);
  private readonly redis: IORedis;
  private readonly key: string;

  constructor(config: AppConfig) {
    this.redis = createRedisConnection(config, 'producer');
    this.key = `${config.redisPrefix}:catalogue:version`;
  }

  /** The current version, or null when Redis cannot say (callers then skip caching). */
  async current(): Promise<string | null> {
    try {
      return (await this.redis.get(this.key)) ?? '0';
    } catch {
      return null;
    }
  }

  /** Called after a write to the catalogue has committed. */
  async bump(): Promise<void> {
    try {
      await this.redis.incr(this.key);
    } catch (error) {
      // Caches then keep the old version until the next bump; say so rather than fail the write.
      this.logger.warn(`could not bump the catalogue version: ${(error as Error).message}`);
    }
  }

  onModuleDestroy(): void {
    this.redis.disconnect();
  }
}
