import { Logger, Module } from '@nestjs/common';
import type IORedis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { COORDINATION_REDIS } from '../coordination/coordination.module';
import { PrismaService } from '../persistence/prisma.service';
import { JobConcurrencyGate } from './concurrency/job-concurrency-gate';
import { ProviderJobLimits } from './concurrency/provider-job-limits';
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
import { ReplicationSourceStager } from '../replication/replication-source.stager';
import { IntakeCancellations } from '../transfers/intake-cancellations';
import { intakeLivenessProvider } from '../transfers/intake-liveness.provider';
import { StagedPush } from '../transfers/staged-push.service';
import { UploadProcessor } from '../transfers/upload.processor';

/** ROLE=worker: the processors and what keeps the queues honest. */
@Module({
  providers: [
    SyncProcessor,
    UploadProcessor,
    StagedPush,
    intakeLivenessProvider,
    IntakeCancellations,
    ReplicateProcessor,
    ReplicationSourceStager,
    UploadIntakeService,
    ImportProcessor,
    SyncScheduleTick,
    JobRunRecorder,
    JobReconciler,
    {
      provide: JobConcurrencyGate,
      useFactory: (redis: IORedis, config: AppConfig) =>
        new JobConcurrencyGate(redis, {
          keyPrefix: `${config.redisPrefix}:job-slots`,
          globalLimit: config.jobConcurrencyGlobal,
          // A dead worker's slot comes back about when BullMQ hands its job to another worker.
          leaseMs: config.jobLockDurationMs,
          onRenewFailure: (error) =>
            new Logger(JobConcurrencyGate.name).warn(`slot lease not renewed: ${error.message}`),
        }),
      inject: [COORDINATION_REDIS, AppConfig],
    },
    {
      provide: ProviderJobLimits,
      useFactory: (prisma: PrismaService, config: AppConfig) =>
        new ProviderJobLimits(prisma, config.jobConcurrencyPerProvider),
      inject: [PrismaService, AppConfig],
    },
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
