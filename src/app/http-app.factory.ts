import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { Logger as PinoNestLogger, PinoLogger } from 'nestjs-pino';
import type { Logger } from 'pino';
import { installQueueDashboard } from './admin/queue-dashboard';
import { AppModule } from './app.module';
import type { ProviderKindDefinition } from '../providers/port/provider-kind';
import { installConditionalGet } from '../catalogue/conditional-get.hooks';
import type { AppConfig } from '../platform/config/app-config';
import { flattenValidationErrors } from '../platform/config/validation-messages';
import { BadRequestError } from '../platform/errors/app.errors';
import {
  answerClientError,
  answerFrameworkError,
  installHostHeaderCheck,
  MAX_PATH_PARAM_LENGTH,
} from '../platform/errors/framework-error-responses';
import { sendProblem } from '../platform/errors/problem-details.filter';
import { installBodyMediaTypes } from '../platform/request-parsing/body-media-types';
import { StorableBodyPipe } from '../platform/request-parsing/storable-body.pipe';
import { installRequestLogging } from '../platform/logging/request-logging.hooks';
import { createRootLogger } from '../platform/logging/root-logger';
import { BrokerMetrics } from '../platform/metrics/broker-metrics';
import { installHttpMetrics } from '../platform/metrics/http-metrics.hooks';
import { buildOpenApiDocument } from './openapi-document';
import { installJsonBodyParsers } from '../platform/request-parsing/json-body-parsers';

/**
 * What Fastify and Node answer before a route runs: as problem+json (see
 * framework-error-responses.ts), and path parameters up to the longest a
 * route takes (Fastify's default, 100, refused long tags and member ids).
 */
const MALFORMED_REQUEST_OPTIONS = {
  frameworkErrors: answerFrameworkError,
  clientErrorHandler: answerClientError,
  routerOptions: { maxParamLength: MAX_PATH_PARAM_LENGTH },
  http: { requireHostHeader: false },
};

/** Builds the Nest application on Fastify, with the validation, error and spec conventions of every route. */
export async function createHttpApp(
  config: AppConfig,
  options: { logger?: false | Logger; providerKinds?: readonly ProviderKindDefinition[] } = {},
): Promise<NestFastifyApplication> {
  const logger =
    options.logger === false
      ? createRootLogger({ level: 'silent', role: config.role })
      : (options.logger ?? createRootLogger({ level: config.logLevel, role: config.role }));
  const adapter = new FastifyAdapter({
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    ...MALFORMED_REQUEST_OPTIONS,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, logger, options.providerKinds), adapter, {
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
  installHostHeaderCheck(app.getHttpAdapter().getInstance());
  // JSON and (for PATCH) JSON merge patch bodies (RFC 7396), their nesting capped.
  installJsonBodyParsers(app);
  // Each route's body media types (415 otherwise), and the raw stream for octet-stream routes.
  installBodyMediaTypes(app.getHttpAdapter().getInstance(), sendProblem);
  if (config.runsApi) await installQueueDashboard(app);
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json', yamlDocumentUrl: 'openapi.yaml' });
  return app;
}
