import { Injectable, Logger } from '@nestjs/common';
import { ProviderRegistry } from '../../providers/port/provider-registry.service';
import { JobService } from '../../jobs/job.service';

/** The scheduled tick: one sync job per provider, deduplicated against syncs already queued or running. */
@Injectable()
export class SyncScheduleTick {
  private readonly logger = new Logger(SyncScheduleTick.name);

  constructor(
    private readonly registry: ProviderRegistry,
    private readonly jobs: JobService,
  ) {}

  async run(): Promise<{ queued: number }> {
    let queued = 0;
    for (const adapter of await this.registry.all()) {
      const { deduplicated } = await this.jobs.create(
        'sync',
        { provider: adapter.name, trigger: 'schedule' },
        { providerName: adapter.name, dedupeKey: syncDedupeKey(adapter.name) },
      );
      if (!deduplicated) queued += 1;
    }
    this.logger.log(`scheduled sync: ${queued} job(s) queued`);
    return { queued };
  }
}

export function syncDedupeKey(provider: string): string {
  return `sync:${provider}`;
}
