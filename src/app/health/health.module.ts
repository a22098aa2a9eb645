import { Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { ReadinessService } from './readiness.service';

import { JobsCoreModule } from '../../jobs/jobs-core.module';
import { ProvidersModule } from '../../providers/providers.module';

@Module({ imports: [JobsCoreModule, ProvidersModule], controllers: [HealthController], providers: [ReadinessService] })
export class HealthModule {}
