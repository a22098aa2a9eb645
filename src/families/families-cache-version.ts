import { Inject, Injectable, Logger } from '@nestjs/common';
import type IORedis from 'ioredis';
import { AppConfig } from '../platform/config/app-config';
import { COORDINATION_REDIS, COORDINATION_SUBSCRIBER } from '../platform/coordination/coordination.module';
import { SharedVersion } from '../platform/coordination/shared-version';

/**
 * Bumped after every families write that can change an answer of resolve (a
 * channel moved, a version's state changed, a placement turned active or
 * away); API replicas key their resolve cache by it and watch it, so every
 * replica stops serving the old answer the moment the write committed.
 */
@Injectable()
export class FamiliesCacheVersion extends SharedVersion {
  constructor(
    @Inject(COORDINATION_REDIS) redis: IORedis,
    @Inject(COORDINATION_SUBSCRIBER) subscriber: IORedis | null,
    config: AppConfig,
  ) {
    super(redis, `${config.redisPrefix}:families:version`, (m) => new Logger(FamiliesCacheVersion.name).warn(m));
    if (subscriber) this.watch(subscriber);
  }
}
