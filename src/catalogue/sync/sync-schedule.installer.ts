import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../../platform/config/app-config';
import { JobQueue } from '../../jobs/queue/job-queue';

/** Installs the periodic sync in Redis, so one schedule holds however many workers run. */
@Injectable()
export class SyncScheduleInstaller implements OnApplicationBootstrap {
  private readonly logger = new Logger(SyncScheduleInstaller.name);

  constructor(
    private readonly config: AppConfig,
    private readonly queue: JobQueue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.queue.scheduleSync(this.config.syncIntervalSeconds);
    } catch (error) {
      this.logger.warn(`could not install the sync schedule: ${(error as Error).message}`);
    }
  }
}
