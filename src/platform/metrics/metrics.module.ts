import { Global, Module } from '@nestjs/common';
import { BrokerMetrics } from './broker-metrics';
import { MetricsController } from './metrics.controller';

/**
 * The process's one metrics registry, for every module to record into, and GET /metrics.
 * Gauges read at scrape time are contributed by their owners (the job states: JobsCoreModule).
 */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [{ provide: BrokerMetrics, useFactory: () => new BrokerMetrics() }],
  exports: [BrokerMetrics],
})
export class MetricsModule {}
