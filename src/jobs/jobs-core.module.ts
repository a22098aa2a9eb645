import { Global, Module } from '@nestjs/common';
import { JobService } from './job.service';
import { JobQueue } from './queue/job-queue';

/** Creating and reading jobs: needed by the API and the worker alike. */
@Global()
@Module({ providers: [JobQueue, JobService], exports: [JobQueue, JobService] })
export class JobsCoreModule {}
