import { Module } from '@nestjs/common';
import { JOB_HANDLERS, type JobHandler } from './job-handler';
import { JobReconciler } from './job-reconciler.service';
import { JobRunRecorder } from './job-run-recorder';
import { JobWorkerService } from './job-worker.service';
import { SyncScheduleTick } from './processors/sync-schedule.tick';
import { SyncProcessor } from './processors/sync.processor';
import { SyncScheduleInstaller } from './sync-schedule.installer';
import { ImportProcessor } from '../transfers/import/import.processor';
import { UploadIntakeService } from '../transfers/upload-intake.service';
import { ReplicateProcessor } from '../replication/replicate.processor';
import { StagedPush } from '../transfers/staged-push.service';
import { UploadProcessor } from '../transfers/upload.processor';

/** ROLE=worker: the processors and what keeps the queues honest. */
@Module({
  providers: [
    SyncProcessor,
    UploadProcessor,
    StagedPush,
    ReplicateProcessor,
    UploadIntakeService,
    ImportProcessor,
    SyncScheduleTick,
    JobRunRecorder,
    JobReconciler,
    SyncScheduleInstaller,
    {
      provide: JOB_HANDLERS,
      useFactory: (...handlers: JobHandler[]) => handlers,
      inject: [SyncProcessor, UploadProcessor, ImportProcessor, ReplicateProcessor],
    },
    JobWorkerService,
  ],
})
export class JobsWorkerModule {}
