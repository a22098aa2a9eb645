import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import type { AppConfig } from './config/app-config';
import { flattenValidationErrors } from './config/validation-messages';
import { BadRequestError } from './errors/app.errors';
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
  // PATCH bodies are JSON merge patches (RFC 7396); parse them as JSON.
  app
    .getHttpAdapter()
    .getInstance()
    .addContentTypeParser('application/merge-patch+json', { parseAs: 'string' }, (_request, body, done) => {
      try {
        done(null, JSON.parse(body as string));
      } catch (error) {
        (error as { statusCode?: number }).statusCode = 400;
        done(error as Error, undefined);
      }
    });
  // Image bytes are streamed, never parsed or buffered: the handler gets the raw request stream.
  app
    .getHttpAdapter()
    .getInstance()
    .addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json', yamlDocumentUrl: 'openapi.yaml' });
  return app;
}
