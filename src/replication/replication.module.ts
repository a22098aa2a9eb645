import { Module } from '@nestjs/common';
import { ReplicationService } from './replication.service';
import { ReplicationsController } from './replications.controller';

/** The API side of replication; ReplicateProcessor runs in the worker. */
@Module({ controllers: [ReplicationsController], providers: [ReplicationService] })
export class ReplicationModule {}
