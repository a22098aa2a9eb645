import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';

/**
 * Nest's Logger writing through the process's pino logger, in whatever
 * context is current (a request's, a job's). The request lines themselves
 * come from Fastify hooks (request-logging.hooks.ts), which run for every
 * route, 404s included.
 */
@Module({})
export class LoggingModule {
  static forRoot(logger: Logger): DynamicModule {
    return {
      module: LoggingModule,
      imports: [LoggerModule.forRoot({ pinoHttp: { logger, autoLogging: false }, forRoutes: [] })],
    };
  }
}
