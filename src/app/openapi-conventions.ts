import type { OpenAPIObject } from '@nestjs/swagger';
import type {
  OperationObject,
  ReferenceObject,
  ResponseObject,
  SchemaObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { PUBLIC_ROUTE_EXTENSION } from '../platform/auth/auth.decorators';
import { clientErrorProblem, MAX_PATH_PARAM_LENGTH } from '../platform/errors/framework-error-responses';
import { problemType, type ProblemDetails } from '../platform/errors/problem-details';

/**
 * What every route of the broker does alike, declared once on the document
 * rather than on each route; a route added later gets it by being there.
 * Each step states what the server does and where it does it.
 */
export function withApiConventions(document: OpenAPIObject): OpenAPIObject {
  const components = (document.components ??= {});
  components.headers = { ...components.headers, ...HEADERS };
  components.parameters = { ...components.parameters, IdempotencyKey: IDEMPOTENCY_KEY, IfNoneMatch: IF_NONE_MATCH };
  components.responses = {
    ...components.responses,
    ...MALFORMED,
    TooManyRequests: TOO_MANY_REQUESTS,
    NotModified: NOT_MODIFIED,
  };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const where = `${method.toUpperCase()} ${path}`;
      const isPublic = declaresPublic(operation, where);
      if (method === 'post') withIdempotencyKey(operation);
      if (!isPublic) withRateLimit(operation);
      withLocation(operation, where);
      if (method === 'get') withConditionalGet(operation);
      withMalformedRequests(operation, path);
    }
  }
  for (const schema of Object.values(components.schemas ?? {})) wholeNumbers(schema, '');
  for (const item of Object.values(document.paths)) {
    for (const method of METHODS) {
      for (const parameter of item[method]?.parameters ?? []) {
        if ('schema' in parameter && parameter.schema) wholeNumbers(parameter.schema, parameter.name);
      }
    }
  }
  for (const schema of Object.values(components.schemas ?? {})) singleRefCompositions(schema, document);
  withValidatedLengths(document);
  requestStringsAreCapped(document);
  for (const item of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (operation) withExamples(operation, document);
    }
  }
  return document;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head'] as const;

const HEADERS = {
  Location: {
    description: 'Where the created or started resource is read',
    schema: {
      type: 'string',
      format: 'uri-reference',
      maxLength: 2048,
      example: '/v1/jobs/6d7f0a1e-3c1b-4f7a-9d0e-2b9c5e1f4a33',
    },
  },
  RetryAfter: {
    description: 'Seconds until the rate limit lets this API key (or this client address) call again',
    schema: { type: 'integer', minimum: 0, example: 12 },
  },
  ETag: {
    description: 'Entity tag of this answer (strong): send it back as `If-None-Match` for a 304 while it is unchanged',
    schema: { type: 'string', maxLength: 64, example: '"3q1Ykz8mG2Vb0nR4sT6uW8xA9cE5fH7j"' },
  },
  IdempotentReplayed: {
    description:
      'Present (`true`) when this is the stored answer to an earlier request with the same `Idempotency-Key`',
    schema: { type: 'string', enum: ['true'] },
  },
};

/** See platform/idempotency: taken on every POST, 1-255 characters, answers replayed per API key. */
const IDEMPOTENCY_KEY = {
  name: 'Idempotency-Key',
  in: 'header' as const,
  required: false,
  description:
    'Makes a retry safe: the first answer is stored per API key for IDEMPOTENCY_TTL_HOURS and replayed ' +
    '(with `Idempotent-Replayed: true`) for a retry with the same body; the same key with another body is a 422, ' +
    'a retry while the first request still runs is a 409.',
  schema: { type: 'string', minLength: 1, maxLength: 255, example: 'c3a7e0b2-5a55-4c61-a7f4-2f0f8d1e9b10' },
};

/** See catalogue/conditional-get.hooks: every 200 JSON answer to a GET has an ETag, and If-None-Match is honoured. */
const IF_NONE_MATCH = {
  name: 'If-None-Match',
  in: 'header' as const,
  required: false,
  description: 'The `ETag` of a copy of this answer the caller holds: 304 without a body while it is unchanged',
  schema: { type: 'string', maxLength: 8192, example: '"3q1Ykz8mG2Vb0nR4sT6uW8xA9cE5fH7j"' },
};

const NOT_MODIFIED = {
  description: 'Unchanged since the `ETag` sent as `If-None-Match`; no body',
  headers: { ETag: { $ref: '#/components/headers/ETag' } },
};

function problemResponse(description: string, example: ProblemDetails) {
  return {
    description,
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDto' }, example } },
  };
}

/**
 * See platform/errors/framework-error-responses: answered before a request
 * reaches any route (Node's HTTP parser, the Host check, Fastify's router),
 * so on every route, the health probes too.
 */
const MALFORMED = {
  MalformedRequest: problemResponse(
    'The request is not valid HTTP/1.1, has no Host header, or its URL is not valid percent-encoding',
    clientErrorProblem(undefined),
  ),
  HeadersTooLarge: problemResponse(
    'The request line and headers together exceed the size the server accepts',
    clientErrorProblem('HPE_HEADER_OVERFLOW'),
  ),
  /** Fastify's bodyLimit (http-app.factory), on JSON bodies; the file route's bytes are streamed, not limited. */
  BodyTooLarge: problemResponse('A JSON body over 1 MiB', {
    type: problemType('payload-too-large'),
    title: 'Payload too large',
    status: 413,
    detail: 'Request body is too large',
  }),
  PathParameterTooLong: problemResponse(`A path segment is longer than ${MAX_PATH_PARAM_LENGTH} characters`, {
    type: problemType('uri-too-long'),
    title: 'URI too long',
    status: 414,
    detail: `A path segment is longer than ${MAX_PATH_PARAM_LENGTH} characters`,
  }),
};

/**
 * The framework's refusals, on every operation: 414 where the path has a
 * parameter to be too long (so each path parameter is capped at that length),
 * 413 where a JSON body is taken.
 */
function withMalformedRequests(operation: OperationObject, path: string): void {
  operation.responses['400'] ??= { $ref: '#/components/responses/MalformedRequest' };
  if (path.includes('{')) operation.responses['414'] ??= { $ref: '#/components/responses/PathParameterTooLong' };
  for (const parameter of operation.parameters ?? []) {
    if ('$ref' in parameter || parameter.in !== 'path' || !parameter.schema || '$ref' in parameter.schema) continue;
    if (parameter.schema.type === 'string') parameter.schema.maxLength ??= MAX_PATH_PARAM_LENGTH;
  }
  operation.responses['431'] ??= { $ref: '#/components/responses/HeadersTooLarge' };
  const body = operation.requestBody;
  if (body && !('$ref' in body) && Object.keys(body.content).some(isJson)) {
    operation.responses['413'] ??= { $ref: '#/components/responses/BodyTooLarge' };
  }
}

/** See platform/rate-limit: every route but the public ones, RATE_LIMIT_REQUESTS per RATE_LIMIT_WINDOW_SECONDS. */
const TOO_MANY_REQUESTS = {
  description: "The API key's (or, without a valid key, the client address's) rate limit is reached",
  headers: { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } },
  content: {
    'application/problem+json': {
      schema: { $ref: '#/components/schemas/ProblemDto' },
      example: {
        type: problemType('too-many-requests'),
        title: 'Too many requests',
        status: 429,
        detail: 'Rate limit of 600 requests per 60 s reached; retry in 12 s',
      },
    },
  },
};

/**
 * `@Public()` marks a route no key is needed for (and no rate limit applies
 * to): `security: []`. Every other route must name its scheme, so a
 * controller that forgot `@ApiBearerAuth()` fails the build of the spec.
 */
function declaresPublic(operation: OperationObject, where: string): boolean {
  const extensions = operation as unknown as Record<string, unknown>;
  if (extensions[PUBLIC_ROUTE_EXTENSION] === true) {
    delete extensions[PUBLIC_ROUTE_EXTENSION];
    operation.security = [];
    return true;
  }
  if (!operation.security?.length) throw new Error(`${where} needs an API key but declares no security scheme`);
  return false;
}

function withIdempotencyKey(operation: OperationObject): void {
  const parameters = (operation.parameters ??= []);
  parameters.push({ $ref: '#/components/parameters/IdempotencyKey' });
  for (const [status, response] of Object.entries(operation.responses)) {
    if (!response || !status.startsWith('2') || '$ref' in response) continue;
    response.headers = {
      ...response.headers,
      'Idempotent-Replayed': { $ref: '#/components/headers/IdempotentReplayed' },
    };
  }
}

/** A GET whose 200 is JSON: ETag on it, If-None-Match taken, 304 (the catalogue page and resolve declare theirs). */
function withConditionalGet(operation: OperationObject): void {
  const ok = operation.responses['200'] as ResponseObject | ReferenceObject | undefined;
  if (!ok || '$ref' in ok || !Object.keys(ok.content ?? {}).some(isJson)) return;
  ok.headers = { ETag: { $ref: '#/components/headers/ETag' }, ...ok.headers };
  const parameters = (operation.parameters ??= []);
  if (!parameters.some((parameter) => 'name' in parameter && parameter.name === 'If-None-Match')) {
    parameters.push({ $ref: '#/components/parameters/IfNoneMatch' });
  }
  operation.responses['304'] ??= { $ref: '#/components/responses/NotModified' };
}

function withRateLimit(operation: OperationObject): void {
  operation.responses['429'] ??= { $ref: '#/components/responses/TooManyRequests' };
}

/** Every 201 and 202 sets Location (and an idempotent replay repeats it); the controllers set it. */
function withLocation(operation: OperationObject, where: string): void {
  for (const status of ['201', '202']) {
    const response = operation.responses[status] as ResponseObject | ReferenceObject | undefined;
    if (!response) continue;
    if ('$ref' in response) throw new Error(`${where}: a ${status} by reference cannot be given its Location`);
    response.headers = { Location: { $ref: '#/components/headers/Location' }, ...response.headers };
  }
}

/**
 * The API has no fractional quantities: a `number` (what a TypeScript number
 * becomes) is an `integer`, and a count of bytes an int64. A field that ever
 * needs a fraction declares a `format` (`double`) and is left as it is.
 */
function wholeNumbers(schema: SchemaObject | ReferenceObject, name: string): void {
  if ('$ref' in schema) return;
  if (schema.type === 'number' && schema.format === undefined) {
    schema.type = 'integer';
    if (/bytes/i.test(name)) schema.format = 'int64';
  }
  for (const [key, property] of Object.entries(schema.properties ?? {})) wholeNumbers(property, key);
  if (schema.items) wholeNumbers(schema.items, name);
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
    wholeNumbers(schema.additionalProperties, name);
  }
  for (const part of [...(schema.allOf ?? []), ...(schema.oneOf ?? []), ...(schema.anyOf ?? [])])
    wholeNumbers(part, name);
}

/**
 * Nest writes a reference to a named schema (an enum, a nested DTO) as
 * `allOf` of that one reference. Alone, it is the reference itself. With
 * other keywords (nullable, a description) it stays, since a sibling of
 * `$ref` is ignored in OpenAPI 3.0; a nullable one needs a `type` beside
 * `nullable` to mean anything, and takes the referenced schema's.
 */
function singleRefCompositions(schema: SchemaObject | ReferenceObject, document: OpenAPIObject): void {
  if ('$ref' in schema) return;
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    if ('$ref' in property) continue;
    const only = property.allOf?.length === 1 ? property.allOf[0] : undefined;
    if (only && Object.keys(property).length === 1) {
      schema.properties![key] = only;
      continue;
    }
    if (property.nullable && property.type === undefined && only && '$ref' in only) {
      const target = document.components?.schemas?.[only.$ref.replace('#/components/schemas/', '')];
      if (target && !('$ref' in target) && target.type) property.type = target.type;
    }
    singleRefCompositions(property, document);
  }
  if (schema.items) singleRefCompositions(schema.items, document);
}

const PROBLEM_SLUGS: Record<string, [string, string]> = {
  '400': ['validation-error', 'Request is not valid'],
  '401': ['unauthorized', 'Authentication required'],
  '403': ['forbidden', 'Not allowed'],
  '404': ['not-found', 'Not found'],
  '408': ['request-timeout', 'The request body stopped arriving'],
  '409': ['conflict', 'Conflict'],
  '410': ['gone', 'Gone'],
  '415': ['unsupported-media-type', 'Unsupported media type'],
  '422': ['unprocessable', 'Request cannot be processed'],
  '501': ['not-implemented', 'Not implemented'],
  '502': ['push-failed', 'The push to the provider failed'],
  '503': ['service-unavailable', 'Service unavailable'],
};

/**
 * An example on every request body and every answer that has one: the
 * schema's own examples where the DTOs give them, otherwise a value built
 * from the schema (its enum, format and bounds), so it always validates.
 */
function withExamples(operation: OperationObject, document: OpenAPIObject): void {
  const body = operation.requestBody;
  if (body && !('$ref' in body)) {
    for (const [mediaType, content] of Object.entries(body.content)) {
      if (content.schema && content.example === undefined && isJson(mediaType)) {
        content.example = exampleOf(content.schema, document, 0);
      }
    }
  }
  for (const [status, response] of Object.entries(operation.responses)) {
    if (!response || '$ref' in response) continue;
    for (const [mediaType, content] of Object.entries(response.content ?? {})) {
      if (content.example !== undefined || content.examples !== undefined || !content.schema) continue;
      if (mediaType === 'application/problem+json') {
        const [slug, title] = PROBLEM_SLUGS[status] ?? ['error', 'Request failed'];
        content.example = { type: problemType(slug), title, status: Number(status), detail: response.description };
      } else if (isJson(mediaType)) {
        content.example = exampleOf(content.schema, document, 0);
      }
    }
  }
}

function isJson(mediaType: string): boolean {
  return mediaType === 'application/json' || mediaType.endsWith('+json');
}

function exampleOf(schema: SchemaObject | ReferenceObject, document: OpenAPIObject, depth: number): unknown {
  if ('$ref' in schema) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    const target = document.components?.schemas?.[name];
    return target ? exampleOf(target, document, depth + 1) : null;
  }
  if (schema.example !== undefined) return schema.example;
  if (schema.enum?.length) return schema.enum[0];
  if (schema.allOf?.length) {
    const parts = schema.allOf.map((part) => exampleOf(part, document, depth + 1));
    return parts.every((part) => typeof part === 'object' && part !== null && !Array.isArray(part))
      ? Object.assign({}, ...parts)
      : parts[0];
  }
  if (schema.oneOf?.length) return exampleOf(schema.oneOf[0], document, depth + 1);
  if (schema.anyOf?.length) return exampleOf(schema.anyOf[0], document, depth + 1);
  if (depth > 24) return null;
  switch (schema.type) {
    case 'object': {
      const example: Record<string, unknown> = {};
      for (const [key, property] of Object.entries(schema.properties ?? {})) {
        example[key] = exampleOf(property, document, depth + 1);
      }
      return example;
    }
    case 'array':
      return schema.items
        ? [exampleOf(schema.items, document, depth + 1)].slice(0, Math.max(1, schema.minItems ?? 1))
        : [];
    case 'integer':
    case 'number':
      return Math.min(Math.max(schema.minimum ?? 1, 1), schema.maximum ?? Number.MAX_SAFE_INTEGER);
    case 'boolean':
      return true;
    case 'string':
      return stringExample(schema);
    default:
      return null;
  }
}

function stringExample(schema: SchemaObject): string {
  if (schema.pattern !== undefined) {
    throw new Error(`a string of pattern ${schema.pattern} needs an example in its DTO: none can be made up for it`);
  }
  switch (schema.format) {
    case 'date-time':
      return '2026-12-01T09:30:00.000Z';
    case 'date':
      return '2026-12-01';
    case 'uuid':
      return '6d7f0a1e-3c1b-4f7a-9d0e-2b9c5e1f4a33';
    case 'uri':
    case 'url':
      return 'https://example.com/';
    default: {
      const text = 'example';
      const min = schema.minLength ?? 0;
      const max = schema.maxLength ?? text.length;
      return text.padEnd(min, 'x').slice(0, Math.max(min, Math.min(max, text.length)));
    }
  }
}

/** Length checks of class-validator, as the schema keyword each one is. */
const LENGTH_KEYWORDS: Record<string, (constraints: unknown[]) => { minLength?: number; maxLength?: number }> = {
  maxLength: ([max]) => ({ maxLength: max as number }),
  minLength: ([min]) => ({ minLength: min as number }),
  isLength: ([min, max]) => ({ minLength: min as number, ...(max === undefined ? {} : { maxLength: max as number }) }),
};

/**
 * The string length caps the DTOs' validators enforce (@MaxLength,
 * @MinLength, @Length), written on their schemas, so a client knows them
 * before it is answered 400. A DTO that declares a bound of its own in
 * @ApiProperty must declare the one it enforces: a difference fails the build.
 */
function withValidatedLengths(document: OpenAPIObject): void {
  const storage = getMetadataStorage() as unknown as {
    validationMetadatas?: Map<new () => unknown, ValidationMetadata[]>;
    getTargetValidationMetadatas(
      target: unknown,
      schema: string,
      always: boolean,
      strict: boolean,
    ): ValidationMetadata[];
  };
  if (!(storage.validationMetadatas instanceof Map))
    throw new Error('class-validator keeps its metadata elsewhere now');
  for (const target of storage.validationMetadatas.keys()) {
    const schema = document.components?.schemas?.[target.name];
    if (!schema || '$ref' in schema) continue;
    for (const rule of storage.getTargetValidationMetadatas(target, '', true, false)) {
      const keywords = rule.name ? LENGTH_KEYWORDS[rule.name] : undefined;
      const property = schema.properties?.[rule.propertyName];
      if (!keywords || !property || '$ref' in property) continue;
      const string = rule.each ? property.items : property;
      if (!string || '$ref' in string || string.type !== 'string') continue;
      for (const [keyword, value] of Object.entries(keywords(rule.constraints))) {
        const declared = (string as Record<string, unknown>)[keyword];
        if (declared !== undefined && declared !== value) {
          throw new Error(
            `${target.name}.${rule.propertyName}: the spec says ${keyword} ${String(declared)}, the validator ${value}`,
          );
        }
        (string as Record<string, unknown>)[keyword] = value;
      }
    }
  }
}

/** Every string a request body carries has a bound: a length cap, an enum, or a fixed format. */
function requestStringsAreCapped(document: OpenAPIObject): void {
  const schemas = document.components?.schemas ?? {};
  const seen = new Set<string>();
  const uncapped: string[] = [];
  const visit = (schema: SchemaObject | ReferenceObject | undefined, where: string): void => {
    if (!schema) return;
    if ('$ref' in schema) {
      const name = schema.$ref.replace('#/components/schemas/', '');
      if (seen.has(name)) return;
      seen.add(name);
      visit(schemas[name], name);
      return;
    }
    if (
      schema.type === 'string' &&
      schema.maxLength === undefined &&
      !schema.enum &&
      !BOUNDED_FORMATS.has(schema.format ?? '')
    ) {
      uncapped.push(where);
    }
    for (const [key, property] of Object.entries(schema.properties ?? {})) visit(property, `${where}.${key}`);
    visit(schema.items, `${where}[]`);
    if (typeof schema.additionalProperties === 'object') visit(schema.additionalProperties, `${where}{}`);
    for (const part of [...(schema.allOf ?? []), ...(schema.oneOf ?? []), ...(schema.anyOf ?? [])]) visit(part, where);
  };
  for (const item of Object.values(document.paths)) {
    for (const method of METHODS) {
      const body = item[method]?.requestBody;
      if (!body || '$ref' in body) continue;
      for (const content of Object.values(body.content)) visit(content.schema, 'body');
    }
  }
  if (uncapped.length > 0) throw new Error(`request strings without a length cap: ${uncapped.join(', ')}`);
}

const BOUNDED_FORMATS = new Set(['binary', 'uuid', 'date-time']);
