import { Module } from '@nestjs/common';
import { FamiliesCoreModule } from './families-core.module';
import { VersionStateDueTimer, VersionStateSweep } from './lifecycle/version-state-timers';

/**
 * ROLE=worker's part of families: scheduled version changes (its timers run
 * by jobs' TimerWorker, registered in app/worker.module.ts), drift repair.
 */
@Module({
  imports: [FamiliesCoreModule],
  providers: [VersionStateDueTimer, VersionStateSweep],
  exports: [VersionStateDueTimer, VersionStateSweep],
})
export class FamiliesWorkerModule {}
