import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { Logger as PinoNestLogger, PinoLogger } from 'nestjs-pino';
import type { Logger } from 'pino';
import { installQueueDashboard } from './admin/queue-dashboard';
import { AppModule } from './app.module';
import { installConditionalGet } from './catalogue/conditional-get.hooks';
import type { AppConfig } from './config/app-config';
import { flattenValidationErrors } from './config/validation-messages';
import { BadRequestError } from './errors/app.errors';
import { sendProblem } from './errors/problem-details.filter';
import { installBodyMediaTypes } from './http/body-media-types';
import { StorableBodyPipe } from './http/storable-body.pipe';
import { installRequestLogging } from './logging/request-logging.hooks';
import { createRootLogger } from './logging/root-logger';
import { BrokerMetrics } from './metrics/broker-metrics';
import { installHttpMetrics } from './metrics/http-metrics.hooks';
import { buildOpenApiDocument } from './openapi/openapi-document';

/** Builds the Nest application on Fastify, with the validation, error and spec conventions of every route. */
export async function createHttpApp(
  config: AppConfig,
  options: { logger?: false | Logger } = {},
): Promise<NestFastifyApplication> {
  const logger =
    options.logger === false
      ? createRootLogger({ level: 'silent', role: config.role })
      : (options.logger ?? createRootLogger({ level: config.logLevel, role: config.role }));
  const adapter = new FastifyAdapter({ trustProxy: config.trustProxy, bodyLimit: 1024 * 1024 });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, logger), adapter, {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(PinoNestLogger));
  installRequestLogging(app.getHttpAdapter().getInstance(), await app.resolve(PinoLogger));
  app.useGlobalPipes(
    new StorableBodyPipe(),
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: (errors) => {
        const problems = flattenValidationErrors(errors);
        return new BadRequestError(problems.map((p) => p.message).join('; '), problems);
      },
    }),
  );
  installHttpMetrics(app.getHttpAdapter().getInstance(), app.get(BrokerMetrics));
  installConditionalGet(app.getHttpAdapter().getInstance());
  installBodyMediaTypes(app.getHttpAdapter().getInstance(), sendProblem);
  if (config.runsApi) await installQueueDashboard(app);
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json', yamlDocumentUrl: 'openapi.yaml' });
  return app;
}
