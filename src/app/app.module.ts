import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { ProvidersModule } from '../providers/providers.module';
import { PROVIDER_KINDS } from '../providers/kinds/provider-kinds';
import { PROVIDER_KIND_DEFINITIONS, type ProviderKindDefinition } from '../providers/port/provider-kind';
import { ApiKeyGuard } from '../platform/auth/api-key.guard';
import { AuthModule } from '../platform/auth/auth.module';
import { CatalogueCoreModule } from '../catalogue/catalogue-core.module';
import { CatalogueModule } from '../catalogue/catalogue.module';
import type { AppConfig } from '../platform/config/app-config';
import { ConfigModule } from '../platform/config/config.module';
import { CoordinationModule } from '../platform/coordination/coordination.module';
import { ProblemDetailsFilter } from '../platform/errors/problem-details.filter';
import { HealthModule } from './health/health.module';
import { IdempotencyInterceptor } from '../platform/idempotency/idempotency.interceptor';
import { JobsApiModule } from '../jobs/jobs-api.module';
import { JobsCoreModule } from '../jobs/jobs-core.module';
import { JobsWorkerModule } from './worker.module';
import { LifecycleModule } from '../platform/lifecycle/lifecycle.module';
import { LoggingModule } from '../platform/logging/logging.module';
import { MetricsModule } from '../platform/metrics/metrics.module';
import { PersistenceModule } from '../platform/persistence/persistence.module';
import { ApiKeyThrottlerGuard } from '../platform/rate-limit/api-key-throttler.guard';
import { RateLimitModule } from '../platform/rate-limit/rate-limit.module';
import { ReplicationModule } from '../replication/replication.module';
import { FamiliesCoreModule } from '../families/families-core.module';
import { FamiliesModule } from '../families/families.module';
import { FamiliesWorkerModule } from '../families/families-worker.module';
import { EventsModule } from '../events/events.module';
import { EventsWorkerModule } from '../events/events-worker.module';
import { StagingModule } from '../platform/staging/staging.module';
import { UploadsModule } from '../uploads/uploads.module';

/**
 * The one application, composed by ROLE: the API's modules, the worker's, or
 * both. A worker still serves /health/* so orchestrators can probe it.
 */
@Module({})
export class AppModule {
  /** @param kinds the provider kinds the broker knows: PROVIDER_KINDS, unless a test registers another. */
  static forRoot(
    config: AppConfig,
    logger: Logger,
    kinds: readonly ProviderKindDefinition[] = PROVIDER_KINDS,
  ): DynamicModule {
    const apiModules = config.runsApi
      ? [
          CatalogueModule,
          UploadsModule,
          ReplicationModule,
          FamiliesModule,
          EventsModule,
          JobsApiModule,
          RateLimitModule.forRoot(config),
        ]
      : [];
    const workerModules = config.runsWorker ? [JobsWorkerModule, FamiliesWorkerModule, EventsWorkerModule] : [];
    const rateLimited = config.runsApi && config.rateLimit.requests > 0;
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config, [{ provide: PROVIDER_KIND_DEFINITIONS, useValue: kinds }]),
        LoggingModule.forRoot(logger),
        LifecycleModule,
        PersistenceModule,
        CoordinationModule,
        StagingModule,
        ProvidersModule,
        JobsCoreModule,
        CatalogueCoreModule,
        FamiliesCoreModule,
        AuthModule,
        HealthModule,
        MetricsModule,
        ...apiModules,
        ...workerModules,
      ],
      providers: [
        // Global guards run in this order: the rate limit first, so a request without a valid key spends
        // its client address's budget even though the key guard then refuses it with 401.
        ...(rateLimited ? [{ provide: APP_GUARD, useClass: ApiKeyThrottlerGuard }] : []),
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      ],
    };
  }
}
