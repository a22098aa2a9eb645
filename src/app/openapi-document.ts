import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { ProblemDto } from '../platform/errors/problem.dto';
import { withApiConventions } from './openapi-conventions';

/** The OpenAPI document, built from the controllers and DTOs: the code is the spec. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('image-broker')
    .setDescription(
      'One REST API for the VM and bare-metal OS images of several GPU clouds. ' +
        'Errors are application/problem+json (RFC 9457).',
    )
    .setVersion('1.0.0')
    .setContact('Platform team', 'https://image-broker.dev', 'platform@image-broker.dev')
    .setLicense('Proprietary', 'https://image-broker.dev/license')
    .addServer('http://127.0.0.1:3000', 'Local sandbox (npm run dev)')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'opaque API key',
      description:
        'An opaque API key: a secret from API_KEYS (a long random string, not a JWT; the broker keeps only its ' +
        'SHA-256), sent as `Authorization: Bearer <secret>`. Its scopes decide the routes it may call.',
    })
    .addTag('images', 'The normalized catalogue')
    .addTag('providers', 'Provider connections')
    .addTag('jobs', 'Long-running work')
    .addTag('families', 'One image across clouds: versions, placements, channels, resolve')
    .addTag('events', 'The event feed')
    .addTag('webhooks', 'Event deliveries to registered URLs, signed as Standard Webhooks')
    .addTag('health', 'Probes')
    .build();
  return withApiConventions(
    withUnsupportedMediaType(SwaggerModule.createDocument(app, config, { extraModels: [ProblemDto] })),
  );
}

/**
 * Every operation that takes a body answers 415 for a media type it does not
 * take (the check in http/body-media-types runs for every route), so the
 * answer is declared once here rather than on each route.
 */
function withUnsupportedMediaType(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const operation of [item.post, item.put, item.patch, item.delete]) {
      if (!operation?.requestBody || operation.responses['415']) continue;
      operation.responses['415'] = {
        description: 'The body is of a media type the route does not take; `detail` names those it takes',
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDto' } } },
      };
    }
  }
  return document;
}
