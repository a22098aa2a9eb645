import { Logger } from '@nestjs/common';
import type IORedis from 'ioredis';

/**
 * A counter in Redis that a writer bumps after a change has committed, so
 * every replica can tell cheaply whether what it holds in memory is still
 * current (a cached catalogue page, the set of provider connections).
 */
export class SharedVersion {
  private readonly logger: Logger;

  constructor(
    private readonly redis: IORedis,
    private readonly key: string,
  ) {
    this.logger = new Logger(`SharedVersion(${key})`);
  }

  /** The current version, or null when Redis cannot say (callers then skip what depends on it). */
  async current(): Promise<string | null> {
    try {
      return (await this.redis.get(this.key)) ?? '0';
    } catch {
      return null;
    }
  }

  /** Called after the change has committed. */
  async bump(): Promise<void> {
    try {
      await this.redis.incr(this.key);
    } catch (error) {
      // Readers keep the old version until the next bump; say so rather than fail the write.
      this.logger.warn(`could not bump: ${(error as Error).message}`);
    }
  }
}
