import { Module } from '@nestjs/common';
import { CatalogueCoreModule } from '../catalogue/catalogue-core.module';
import { JobsCoreModule } from '../jobs/jobs-core.module';
import { ProvidersModule } from '../providers/providers.module';
import { ReplicationService } from './replication.service';
import { ReplicationStore } from './replication.store';

/**
 * Planning replications, for the replications API and for families (whose
 * placements are replications, planned in the API and, for a drift repair,
 * in the worker).
 */
@Module({
  imports: [CatalogueCoreModule, ProvidersModule, JobsCoreModule],
  providers: [ReplicationService, ReplicationStore],
  exports: [ReplicationService, ReplicationStore],
})
export class ReplicationCoreModule {}
