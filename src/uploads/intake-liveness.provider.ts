import type { Provider } from '@nestjs/common';
import type IORedis from 'ioredis';
import { AppConfig } from '../platform/config/app-config';
import { COORDINATION_REDIS } from '../platform/coordination/coordination.module';
import { IntakeLiveness } from './intake-liveness';

/** IntakeLiveness for the API (which keeps intakes alive) and the worker (which asks). */
export const intakeLivenessProvider: Provider = {
  provide: IntakeLiveness,
  useFactory: (redis: IORedis, config: AppConfig) => new IntakeLiveness(redis, config.redisPrefix),
  inject: [COORDINATION_REDIS, AppConfig],
};
