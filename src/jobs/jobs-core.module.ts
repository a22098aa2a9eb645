import { Global, Module } from '@nestjs/common';
import { JobService } from './job.service';
import { OutboxRelayService } from './outbox/outbox-relay.service';
import { JobQueue } from './queue/job-queue';

/** Creating and reading jobs, and relaying them to BullMQ: needed by the API and the worker alike. */
@Global()
@Module({
  providers: [JobQueue, OutboxRelayService, JobService],
  exports: [JobQueue, OutboxRelayService, JobService],
})
export class JobsCoreModule {}
