import { Module } from '@nestjs/common';
import { ReplicationCoreModule } from './replication-core.module';
import { ReplicationsController } from './replications.controller';

/** The API side of replication; ReplicateProcessor runs in the worker. */
@Module({
  imports: [ReplicationCoreModule],
  controllers: [ReplicationsController],
})
export class ReplicationModule {}
