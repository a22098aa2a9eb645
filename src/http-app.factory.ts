import { ValidationPipe, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import type { AppConfig } from './config/app-config';
import { flattenValidationErrors } from './config/validation-messages';
import { BadRequestError } from './errors/app.errors';
import { PROBLEM_CONTENT_TYPE } from './errors/problem-details';
import { toProblem } from './errors/problem-mapper';
import { buildOpenApiDocument } from './openapi/openapi-document';

/** Builds the Nest application on Fastify, with the validation, error and spec conventions of every route. */
export async function createHttpApp(
  config: AppConfig,
  options: { logger?: boolean } = {},
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ trustProxy: true, bodyLimit: 1024 * 1024 });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger: options.logger === false ? false : ['error', 'warn', 'log'],
    abortOnError: false,
  });
  app.useGlobalPipes(
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
  installFastifyErrorHandler(app);
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json', yamlDocumentUrl: 'openapi.yaml' });
  return app;
}

/** Errors Fastify raises before Nest sees the request (bad JSON, wrong media type, too large) get problem+json too. */
function installFastifyErrorHandler(app: INestApplication): void {
  const fastify = (app as NestFastifyApplication).getHttpAdapter().getInstance();
  fastify.setErrorHandler((error, request, reply) => {
    const problem = toProblem(error);
    void reply
      .status(problem.status)
      .header('Content-Type', PROBLEM_CONTENT_TYPE)
      .send(JSON.stringify({ ...problem, instance: request.url }));
  });
}
