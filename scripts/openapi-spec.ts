import 'reflect-metadata';
import type { OpenAPIObject } from '@nestjs/swagger';
import { loadAppConfig } from '../src/platform/config/app-config';
import { createHttpApp } from '../src/app/http-app.factory';
import { buildOpenApiDocument } from '../src/app/openapi-document';

/** The spec exactly as the API role serves it at /openapi.json, built without touching PostgreSQL or Redis. */
export async function generateOpenApiSpec(): Promise<OpenAPIObject> {
  const app = await createHttpApp(loadAppConfig({ ROLE: 'api' }), { logger: false });
  try {
    return buildOpenApiDocument(app);
  } finally {
    await app.close();
  }
}

export function serializeSpec(spec: OpenAPIObject): string {
  return JSON.stringify(spec, null, 2) + '\n';
}
