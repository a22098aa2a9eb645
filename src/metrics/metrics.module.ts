import { Global, Module, type OnModuleInit } from '@nestjs/common';
import { BrokerMetrics } from './broker-metrics';
import { MetricsController } from './metrics.controller';
import { MetricsSnapshotSource } from './metrics-snapshot.source';

/** The process's one metrics registry, for every module to record into, and GET /metrics. */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [{ provide: BrokerMetrics, useFactory: () => new BrokerMetrics() }, MetricsSnapshotSource],
  exports: [BrokerMetrics],
})
export class MetricsModule implements OnModuleInit {
  constructor(
    private readonly metrics: BrokerMetrics,
    private readonly snapshot: MetricsSnapshotSource,
  ) {}

  onModuleInit(): void {
    this.metrics.useSnapshotSource(() => this.snapshot.read());
  }
}
