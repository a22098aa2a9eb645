import { Module } from '@nestjs/common';
import { ReplicationService } from './replication.service';
import { ReplicationStore } from './replication.store';
import { ReplicationsController } from './replications.controller';

/** The API side of replication; ReplicateProcessor runs in the worker. */
import { CatalogueCoreModule } from '../catalogue/catalogue-core.module';
import { JobsCoreModule } from '../jobs/jobs-core.module';
import { ProvidersModule } from '../providers/providers.module';

@Module({
  imports: [CatalogueCoreModule, ProvidersModule, JobsCoreModule],
  controllers: [ReplicationsController],
  providers: [ReplicationService, ReplicationStore],
})
export class ReplicationModule {}
