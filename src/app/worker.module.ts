import { Module } from '@nestjs/common';
import { AppConfig } from '../platform/config/app-config';
import { LEASES, type LeaseFactory } from '../platform/coordination/lease';
import { PrismaService } from '../platform/persistence/prisma.service';
import { JobConcurrencyGate } from '../jobs/concurrency/job-concurrency-gate';
import { ProviderJobLimits } from '../jobs/concurrency/provider-job-limits';
import { JOB_HANDLERS, type JobHandler } from '../jobs/job-handler';
import { JobReconciler } from '../jobs/job-reconciler.service';
import { JobRunRecorder } from '../jobs/job-run-recorder';
import { SCHEDULED_TICK } from '../jobs/scheduled-tick';
import { JobWorkerService } from '../jobs/job-worker.service';
import { TIMER_HANDLERS, type TimerHandler } from '../jobs/timers/timer-types';
import { TimerWorker } from '../jobs/timers/timer-worker';
import { FamiliesWorkerModule } from '../families/families-worker.module';
import { VersionStateDueTimer, VersionStateSweep } from '../families/lifecycle/version-state-timers';
import { SyncScheduleTick } from '../catalogue/sync/sync-schedule.tick';
import { SyncProcessor } from '../catalogue/sync/sync.processor';
import { SyncScheduleInstaller } from '../catalogue/sync/sync-schedule.installer';
import { ImportProcessor } from '../uploads/import/import.processor';
import { UploadLifecycle } from '../uploads/upload-lifecycle';
import { uploadSignalsProvider } from '../uploads/upload-signals.provider';
import { ReplicateProcessor } from '../replication/replicate.processor';
import { ReplicationSourceStager } from '../replication/replication-source.stager';
import { ReplicationStore } from '../replication/replication.store';
import { intakeLivenessProvider } from '../uploads/intake-liveness.provider';
import { StagedPush } from '../uploads/staged-push.service';
import { UploadProcessor } from '../uploads/upload.processor';

/** ROLE=worker: the processors and what keeps the queues honest. */
import { CatalogueCoreModule } from '../catalogue/catalogue-core.module';
import { JobsCoreModule } from '../jobs/jobs-core.module';
import { ProvidersModule } from '../providers/providers.module';

@Module({
  imports: [CatalogueCoreModule, ProvidersModule, JobsCoreModule, FamiliesWorkerModule],
  providers: [
    SyncProcessor,
    UploadProcessor,
    StagedPush,
    intakeLivenessProvider,
    ReplicateProcessor,
    ReplicationSourceStager,
    ReplicationStore,
    UploadLifecycle,
    uploadSignalsProvider,
    ImportProcessor,
    SyncScheduleTick,
    { provide: SCHEDULED_TICK, useExisting: SyncScheduleTick },
    JobRunRecorder,
    JobReconciler,
    {
      provide: JobConcurrencyGate,
      useFactory: (leases: LeaseFactory, config: AppConfig) =>
        new JobConcurrencyGate(leases, {
          keyPrefix: `${config.redisPrefix}:job-slots`,
          globalLimit: config.jobConcurrencyGlobal,
          // A dead worker's slot comes back about when BullMQ hands its job to another worker.
          leaseMs: config.jobLockDurationMs,
        }),
      inject: [LEASES, AppConfig],
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
    {
      provide: TIMER_HANDLERS,
      useFactory: (...handlers: TimerHandler[]) => handlers,
      inject: [VersionStateDueTimer, VersionStateSweep],
    },
    TimerWorker,
  ],
})
export class JobsWorkerModule {}
