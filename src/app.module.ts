import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AdaptersModule } from './adapters/adapters.module';
import { AuthModule } from './auth/auth.module';
import { CatalogueCoreModule } from './catalogue/catalogue-core.module';
import { CatalogueModule } from './catalogue/catalogue.module';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { CoordinationModule } from './coordination/coordination.module';
import { ProblemDetailsFilter } from './errors/problem-details.filter';
import { HealthModule } from './health/health.module';
import { JobsApiModule } from './jobs/jobs-api.module';
import { JobsCoreModule } from './jobs/jobs-core.module';
import { JobsWorkerModule } from './jobs/jobs-worker.module';
import { PersistenceModule } from './persistence/persistence.module';

/**
 * The one application, composed by ROLE: the API's modules, the worker's, or
 * both. A worker still serves /health/* so orchestrators can probe it.
 */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    const apiModules = config.runsApi ? [CatalogueModule, JobsApiModule] : [];
    const workerModules = config.runsWorker ? [JobsWorkerModule] : [];
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        PersistenceModule,
        CoordinationModule,
        AdaptersModule,
        JobsCoreModule,
        CatalogueCoreModule,
        AuthModule,
        HealthModule,
        ...apiModules,
        ...workerModules,
      ],
      providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }],
    };
  }
}
