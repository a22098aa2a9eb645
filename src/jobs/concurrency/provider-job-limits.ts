import type { PrismaClient } from '../../platform/persistence/generated/client';

/**
 * How many jobs of a provider connection may run at once: the connection's
 * `maxConcurrentJobs` or the default. Read from PostgreSQL, where connections
 * from PROVIDERS_FILE are mirrored and run-time ones live, so a change made
 * through the API applies to the next job on every worker.
 */
export class ProviderJobLimits {
  constructor(
    private readonly db: PrismaClient,
    private readonly defaultLimit: number,
  ) {}

  async limitOf(providerName: string): Promise<number> {
    const connection = await this.db.providerConnection.findUnique({
      where: { name: providerName },
      select: { settings: true },
    });
    const settings = connection?.settings as { maxConcurrentJobs?: unknown } | null | undefined;
    const own = settings?.maxConcurrentJobs;
    return typeof own === 'number' && Number.isInteger(own) && own >= 1 ? own : this.defaultLimit;
  }
}
