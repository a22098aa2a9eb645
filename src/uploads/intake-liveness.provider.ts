import type { Provider } from '@nestjs/common';
import { AppConfig } from '../platform/config/app-config';
import { LEASES, type LeaseFactory } from '../platform/coordination/lease';
import { IntakeLiveness } from './intake-liveness';

/** IntakeLiveness for the API (which keeps intakes alive) and the worker (which asks). */
export const intakeLivenessProvider: Provider = {
  provide: IntakeLiveness,
  useFactory: (leases: LeaseFactory, config: AppConfig) => new IntakeLiveness(leases, config.redisPrefix),
  inject: [LEASES, AppConfig],
};
