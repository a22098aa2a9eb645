import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ProviderCall, ProviderCallObserver } from '../outbound-http/provider-call-observer';
import { providerOperationLabel } from './provider-operation-label';

/** Where bytes moved: the label values of image_broker_transfer_bytes_total. */
export type TransferDirection =
  'client_to_staging' | 'staging_to_provider' | 'provider_to_client' | 'provider_to_staging' | 'url_to_staging';

/** Label sets read from PostgreSQL and Redis at scrape time (see MetricsSnapshotSource). */
export interface MetricsSnapshot {
  jobs: { type: string; state: string; provider: string; count: number }[];
  queues: { queue: string; state: string; count: number }[];
  catalogue: { provider: string; images: number; lastSyncAt: Date | null }[];
}

/**
 * Every metric the broker exports, on one registry per process. Counters and
 * histograms are this process's own (Prometheus sums them across pods); the
 * gauges of jobs, queues and the catalogue are read from the shared stores at
 * scrape time, so any replica answers the same.
 */
export class BrokerMetrics implements ProviderCallObserver {
  readonly registry = new Registry();
  private snapshotSource: (() => Promise<MetricsSnapshot>) | undefined;
  private snapshot: Promise<MetricsSnapshot> | undefined;

  readonly httpDuration = new Histogram({
    name: 'image_broker_http_request_duration_seconds',
    help: 'HTTP requests served, by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly jobDuration = new Histogram({
    name: 'image_broker_job_duration_seconds',
    help: 'Job runs on this worker, from start to end, by type, provider and outcome',
    labelNames: ['type', 'provider', 'outcome'] as const,
    buckets: [0.1, 0.5, 1, 5, 15, 30, 60, 300, 900, 1800, 3600, 7200],
    registers: [this.registry],
  });

  readonly transferBytes = new Counter({
    name: 'image_broker_transfer_bytes_total',
    help: 'Image bytes moved by this process, by direction and provider',
    labelNames: ['direction', 'provider'] as const,
    registers: [this.registry],
  });

  readonly providerCallDuration = new Histogram({
    name: 'image_broker_provider_call_duration_seconds',
    help: 'Calls to provider APIs (one per attempt), by provider, operation and outcome',
    labelNames: ['provider', 'operation', 'outcome'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });

  readonly providerCallErrors = new Counter({
    name: 'image_broker_provider_call_errors_total',
    help: 'Failed calls to provider APIs (network errors and non-2xx answers that were not expected), by provider, operation and error',
    labelNames: ['provider', 'operation', 'error'] as const,
    registers: [this.registry],
  });

  readonly syncRowsSkipped = new Counter({
    name: 'image_broker_sync_rows_skipped_total',
    help: 'Upstream images a catalogue sync left out because the catalogue cannot store them as they are, by provider',
    labelNames: ['provider'] as const,
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'image_broker_' });
    this.snapshotGauge(
      'image_broker_jobs',
      'Jobs in PostgreSQL, by type, state and provider',
      ['type', 'state', 'provider'],
      (snapshot) => snapshot.jobs.map((r) => [{ type: r.type, state: r.state, provider: r.provider }, r.count]),
    );
    this.snapshotGauge(
      'image_broker_queue_jobs',
      'BullMQ jobs per queue and state (waiting, delayed, active, failed…); active is the jobs running now',
      ['queue', 'state'],
      (snapshot) => snapshot.queues.map((r) => [{ queue: r.queue, state: r.state }, r.count]),
    );
    this.snapshotGauge(
      'image_broker_catalogue_images',
      'Images in the catalogue per provider connection (deleted ones excluded)',
      ['provider'],
      (snapshot) => snapshot.catalogue.map((r) => [{ provider: r.provider }, r.images]),
    );
    this.snapshotGauge(
      'image_broker_catalogue_last_sync_age_seconds',
      'Seconds since the last successful catalogue sync per provider connection (absent before the first)',
      ['provider'],
      (snapshot) =>
        snapshot.catalogue.flatMap((r) =>
          r.lastSyncAt ? [[{ provider: r.provider }, (Date.now() - r.lastSyncAt.getTime()) / 1000]] : [],
        ),
    );
  }

  /** A gauge whose samples are read from the scrape's snapshot; a store that did not answer leaves it empty. */
  private snapshotGauge(
    name: string,
    help: string,
    labelNames: string[],
    samples: (snapshot: MetricsSnapshot) => Array<[Record<string, string>, number]>,
  ): void {
    const readSnapshot = () => this.currentSnapshot();
    new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        const snapshot = await readSnapshot();
        this.reset();
        for (const [labels, value] of snapshot ? samples(snapshot) : []) this.set(labels, value);
      },
    });
  }

  /** Installs the reader of the shared stores; without one the snapshot gauges stay empty. */
  useSnapshotSource(source: () => Promise<MetricsSnapshot>): void {
    this.snapshotSource = source;
  }

  /** The whole exposition, reading the shared stores once for all snapshot gauges. */
  async render(): Promise<string> {
    this.snapshot = this.snapshotSource?.();
    try {
      return await this.registry.metrics();
    } finally {
      this.snapshot = undefined;
    }
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  countTransfer(direction: TransferDirection, provider: string, bytes: number): void {
    if (bytes > 0) this.transferBytes.inc({ direction, provider }, bytes);
  }

  observeProviderCall(call: ProviderCall): void {
    const operation = providerOperationLabel(call.method, call.path);
    const outcome = call.error ? 'error' : String(call.status);
    this.providerCallDuration.observe({ provider: call.provider, operation, outcome }, call.durationMs / 1000);
    if (call.error) this.providerCallErrors.inc({ provider: call.provider, operation, error: call.error });
  }

  private async currentSnapshot(): Promise<MetricsSnapshot | undefined> {
    try {
      return await this.snapshot;
    } catch {
      // A store that does not answer leaves its gauges empty rather than failing the scrape.
      return undefined;
    }
  }
}
