import { Worker } from 'bullmq';
import IORedis from 'ioredis';
import { CatalogueWriter } from '../src/catalogue/catalogue-writer.service';
import { CatalogueChangeListeners } from '../src/catalogue/catalogue-change-listeners';
import { SyncProcessor } from '../src/catalogue/sync/sync.processor';
import type { AppConfig } from '../src/platform/config/app-config';
import { CatalogueVersion, ProviderConnectionsVersion } from '../src/platform/coordination/coordination.module';
import { BrokerMetrics } from '../src/platform/metrics/broker-metrics';
import { PrismaService } from '../src/platform/persistence/prisma.service';
import type { ProviderConnectionConfig } from '../src/providers/connections/provider-connection.types';
import { glanceKind } from '../src/providers/kinds/openstack-glance/glance.kind';
import { AdapterRuntimeFactory } from '../src/providers/port/adapter-runtime.factory';
import type { ProviderAdapter } from '../src/providers/port/provider.port';
import type { ProviderRegistry } from '../src/providers/port/provider-registry.service';
import { ProviderConnectionStore } from '../src/providers/connections/provider-connection.store';
import { RedisLeases } from '../src/platform/coordination/redis-leases';
import { readFileSync } from 'node:fs';

/**
 * The job benchmark's baseline worker: the same sync work as the broker's
 * worker with no job framework around it. A bare BullMQ Worker (its own
 * process, the same Redis and concurrency) whose processor runs the broker's
 * own SyncProcessor on the same connection's adapter (built by the same kind
 * definition with the same runtime: circuit breaker, Redis concurrency limit,
 * call metrics), so every job lists the same emulator over HTTP and writes the
 * same rows with the same CatalogueWriter (clock, upsert batch, mark vanished,
 * the connection's lastSyncAt, the catalogue version bump).
 *
 * What it leaves out is the framework: no API request, jobs or outbox rows,
 * relay, job state updates, per-provider or global limits, heartbeats or
 * cancellation. The registry is reduced to the one Redis read its resolve()
 * makes before a job calls a provider, then a map of adapters built up front
 * (the broker builds those of the providers file at start-up too).
 *
 * Prints `ready` once it is listening and `done` when `count` jobs completed.
 * Argument: one JSON object, see Args.
 */
interface Args {
  redisUrl: string;
  databaseUrl: string;
  /** BullMQ prefix of the bare queue, and the prefix of the coordination keys. */
  prefix: string;
  queue: string;
  concurrency: number;
  count: number;
  connections: ProviderConnectionConfig[];
}

// Read whole from stdin (fd 0) before anything starts: the bench writes it and closes the pipe.
const args = JSON.parse(readFileSync(0, 'utf8')) as Args;
const config = { databaseUrl: args.databaseUrl, redisPrefix: args.prefix } as AppConfig;
const connection = new IORedis(args.redisUrl, { maxRetriesPerRequest: null });
const coordination = new IORedis(args.redisUrl, { maxRetriesPerRequest: null });
const prisma = new PrismaService(config);
const metrics = new BrokerMetrics();
const runtimes = new AdapterRuntimeFactory(new RedisLeases(coordination), config, metrics);
const adapters = new Map<string, ProviderAdapter>(
  args.connections.map((c) => [c.name, glanceKind.create(c, runtimes.create(c))]),
);
const providersVersion = new ProviderConnectionsVersion(coordination, config);
const registry = {
  async resolve(name: string): Promise<ProviderAdapter> {
    await providersVersion.current();
    const adapter = adapters.get(name);
    if (!adapter) throw new Error(`no connection ${name}`);
    return adapter;
  },
} as unknown as ProviderRegistry;
const sync = new SyncProcessor(
  registry,
  new CatalogueWriter(prisma, new CatalogueChangeListeners()),
  // The sync records its outcome on the connection row through the store, as in the broker.
  new ProviderConnectionStore(prisma, config),
  new CatalogueVersion(coordination, null, config),
  metrics,
);

let completed = 0;
const worker = new Worker(
  args.queue,
  async (job) => {
    const abort = new AbortController();
    return sync.run({
      jobId: String(job.id),
      payload: job.data as { provider: string; trigger: 'api' | 'schedule' },
      attempt: job.attemptsMade + 1,
      signal: abort.signal,
      progress: async () => undefined,
    });
  },
  { connection, prefix: args.prefix, concurrency: args.concurrency },
);
worker.on('completed', () => {
  completed += 1;
  if (completed === args.count) process.stdout.write('done\n');
});
// Any failure ends the baseline: its figure would not be the same work.
worker.on('failed', (_job, error) => {
  process.stderr.write(`bare sync worker: job failed: ${error.message}\n`);
  process.exit(1);
});
worker.waitUntilReady().then(
  () => process.stdout.write('ready\n'),
  (error: unknown) => {
    process.stderr.write(String(error));
    process.exit(1);
  },
);
process.once('SIGTERM', () => {
  void worker.close().finally(async () => {
    await prisma.$disconnect().catch(() => undefined);
    connection.disconnect();
    coordination.disconnect();
    process.exit(0);
  });
});
