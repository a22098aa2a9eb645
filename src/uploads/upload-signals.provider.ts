import type { Provider } from '@nestjs/common';
import type IORedis from 'ioredis';
import { AppConfig } from '../platform/config/app-config';
import { COORDINATION_REDIS, COORDINATION_SUBSCRIBER } from '../platform/coordination/coordination.module';
import { UploadSignals } from './upload-signals';

/** UploadSignals for the API (which publishes) and the worker (which waits). */
export const uploadSignalsProvider: Provider = {
  provide: UploadSignals,
  useFactory: (redis: IORedis, subscriber: IORedis | null, config: AppConfig) =>
    new UploadSignals(redis, subscriber, config.redisPrefix),
  inject: [COORDINATION_REDIS, COORDINATION_SUBSCRIBER, AppConfig],
};
