import { Module, type OnModuleInit } from '@nestjs/common';
import { BrokerMetrics } from '../platform/metrics/broker-metrics';
import { MetricsSnapshotSource } from './job-metrics.source';
import { JobEndListeners } from './job-end-listeners';
import { JobService } from './job.service';
import { OutboxRelayService } from './outbox/outbox-relay.service';
import { JobQueue } from './queue/job-queue';
import { TimerQueue } from './timers/timer-queue';

/** Creating and reading jobs, and relaying them to BullMQ: needed by the API and the worker alike. */
@Module({
  providers: [JobQueue, TimerQueue, OutboxRelayService, JobEndListeners, JobService, MetricsSnapshotSource],
  exports: [JobQueue, TimerQueue, OutboxRelayService, JobEndListeners, JobService],
})
export class JobsCoreModule implements OnModuleInit {
  constructor(
    private readonly metrics: BrokerMetrics,
    private readonly snapshot: MetricsSnapshotSource,
  ) {}

  /** The job and outbox gauges are read from their owner's tables at scrape time. */
  onModuleInit(): void {
    this.metrics.useSnapshotSource(() => this.snapshot.read());
  }
}
