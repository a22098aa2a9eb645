import fc from 'fast-check';

/**
 * Hostile HTTP requests derived from openapi.json, for the fuzz suite.
 *
 * fast-check draws the entropy of each request (which operation, which
 * mutation, the adversarial strings and numbers) from one seed; a small,
 * deterministic builder turns it into bytes. Entropy rather than a tree of
 * arbitraries because every request is built from the spec at run time (its
 * paths, parameters and body schemas) and must be reproducible from the seed
 * and its index alone: fc.sample with the same seed gives the same list.
 */

export interface FuzzRequest {
  index: number;
  /** What was mutated, for the tally and the failure report. */
  label: string;
  method: string;
  /** Exactly as written on the request line. */
  target: string;
  headers: Array<[string, string]>;
  body?: Buffer;
  /** Content-Length as sent when it does not match the body; otherwise the body's. */
  contentLength?: string | null;
  /** End the writing side after the request (a body shorter than its Content-Length). */
  halfClose?: boolean;
  /** A whole request line and headers written as given, when the request is malformed on purpose. */
  raw?: Buffer;
}

export interface FuzzFixtures {
  imageIds: string[];
  pendingImageIds: string[];
  jobIds: string[];
  uploadIds: string[];
  replication?: { imageId: string; replicationId: string; targetId: string };
  providerNames: string[];
  /** A family with a published version on a channel, and that version's placement: the families routes' real paths. */
  family: { name: string; version: string; channel: string; placementId: string };
  webhookIds: string[];
  secrets: { admin: string; reader: string; writer: string };
}

interface Schema {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  example?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  additionalProperties?: boolean | Schema;
  nullable?: boolean;
}
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  schema?: Schema;
}
interface Operation {
  method: string;
  path: string;
  parameters: Parameter[];
  bodies: Array<{ contentType: string; schema: Schema }>;
}
export interface OpenApiDocument {
  paths: Record<
    string,
    Record<string, { parameters?: Parameter[]; requestBody?: { content: Record<string, { schema: Schema }> } }>
  >;
  components: { schemas: Record<string, Schema> };
}

export function operationsOf(spec: OpenApiDocument): Operation[] {
  const out: Operation[] = [];
  for (const [path, methods] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      out.push({
        method: method.toUpperCase(),
        path,
        parameters: op.parameters ?? [],
        bodies: Object.entries(op.requestBody?.content ?? {}).map(([contentType, c]) => ({
          contentType,
          schema: c.schema,
        })),
      });
    }
  }
  return out;
}

// ---- entropy --------------------------------------------------------------------------------

const ADVERSARIAL_TEXT = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\uffff',
  '💥🧨',
  'İıß',
  '../../etc/passwd',
  '%',
  '%00',
  "' OR 1=1 --",
  '${jndi:ldap://x}',
  '\\',
  '"',
  '\r\n',
  '<script>',
  'ａｂｃ',
  'null',
  'true',
  '-1',
  '1e308',
  'http://user:pw@127.0.0.1:1/?token=secret',
];

const ADVERSARIAL_NUMBERS = [
  -1,
  0,
  1,
  1.5,
  -0.5,
  1e308,
  -1e308,
  9007199254740992,
  2 ** 53 + 2,
  2147483647,
  2147483648,
  4294967296,
  1e-320,
  2 ** 64,
  5242880,
];

const entropy: fc.Arbitrary<Entropy> = fc.record({
  picks: fc.array(fc.nat({ max: 1_000_000 }), { minLength: 24, maxLength: 24 }),
  texts: fc.array(
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...ADVERSARIAL_TEXT) },
      { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
      { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
      { weight: 1, arbitrary: fc.constantFrom(256, 300, 5_000, 20_000).map((n) => 'A'.repeat(n)) },
    ),
    { minLength: 6, maxLength: 6 },
  ),
  numbers: fc.array(
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...ADVERSARIAL_NUMBERS) },
      { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
      { weight: 1, arbitrary: fc.integer() },
    ),
    { minLength: 4, maxLength: 4 },
  ),
});
interface Entropy {
  picks: number[];
  texts: string[];
  numbers: number[];
}

/** Deterministic choices out of one request's entropy. */
class Draw {
  private p = 0;
  private t = 0;
  private n = 0;
  constructor(private readonly e: Entropy) {}
  nat(max: number): number {
    const v = this.e.picks[this.p++ % this.e.picks.length];
    return max <= 0 ? 0 : v % max;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.nat(items.length)];
  }
  chance(percent: number): boolean {
    return this.nat(100) < percent;
  }
  text(): string {
    return this.e.texts[this.t++ % this.e.texts.length];
  }
  number(): number {
    return this.e.numbers[this.n++ % this.e.numbers.length];
  }
  /** A value of any JSON type, mostly hostile. */
  anyValue(): unknown {
    switch (this.nat(8)) {
      case 0:
        return null;
      case 1:
        return this.chance(50);
      case 2:
      case 3:
        return this.number();
      case 4:
        return [this.text(), this.number()];
      case 5:
        return { [this.text()]: this.text() };
      default:
        return this.text();
    }
  }
}

// ---- building -------------------------------------------------------------------------------

/** Percent-encodes every byte but the unreserved ones (lone surrogates become U+FFFD, as UTF-8 has no other way). */
export function percentEncode(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Path segments written as they are, not encoded: broken escapes, a NUL escape, raw UTF-8. */
const RAW_PATH_SEGMENTS = [
  '%00',
  '%E0%A4%A',
  '%',
  '%zz',
  '%C0%AF',
  '%2F',
  '..',
  '.',
  'a%00b',
  '%F0%9F%92%A5',
  'ü',
  '%FF',
];

function validParam(op: Operation, name: string, f: FuzzFixtures, d: Draw): string {
  switch (name) {
    case 'id':
      if (op.path.startsWith('/v1/jobs')) return d.pick(f.jobIds);
      if (op.path.startsWith('/v1/webhooks') && f.webhookIds.length > 0) return d.pick(f.webhookIds);
      if (op.path.includes('/upload-sessions/') || op.path.endsWith('/file')) return d.pick(f.pendingImageIds);
      if (op.path.includes('/retry') && f.replication) return f.replication.imageId;
      return d.pick(d.chance(70) ? f.imageIds : f.pendingImageIds);
    case 'uploadId':
      return d.pick(f.uploadIds);
    case 'replicationId':
      return f.replication?.replicationId ?? '00000000-0000-4000-8000-000000000000';
    case 'targetId':
      return f.replication?.targetId ?? '00000000-0000-4000-8000-000000000000';
    case 'name':
      return d.pick(f.providerNames);
    case 'tag':
      return d.pick(['fuzz', 'gpu', 'ubuntu']);
    case 'family':
      return f.family.name;
    case 'version':
      return f.family.version;
    case 'channel':
      return f.family.channel;
    case 'placementId':
      return f.family.placementId;
    case 'memberId':
      return '8989447062e04a818baf9e073fd04fa7';
    default:
      return 'x';
  }
}

function pathParam(op: Operation, name: string, f: FuzzFixtures, d: Draw, mutate: boolean): string {
  if (!mutate) return percentEncode(validParam(op, name, f, d));
  switch (d.nat(6)) {
    case 0:
      return d.pick(RAW_PATH_SEGMENTS);
    case 1:
      return 'A'.repeat(d.pick([101, 1025, 5000]));
    case 2:
      return percentEncode(validParam(op, name, f, d).toUpperCase() + d.pick(['', 'x', '\u0000']));
    default:
      return percentEncode(d.text()) || '%20';
  }
}

function queryValue(param: Parameter, d: Draw): string {
  const schema = param.schema ?? {};
  switch (d.nat(7)) {
    case 0:
      return String(d.number());
    case 1:
      return d.pick(['%00', 'a%00b', '%E0%A4%A', '%', '%FF', '']);
    case 2:
      return 'A'.repeat(d.pick([201, 256, 3_000, 20_000]));
    case 3:
      if (param.name === 'cursor') {
        return Buffer.from(
          JSON.stringify([d.pick(['name', '-createdAt', 'sizeBytes']), d.anyValue(), d.text()]),
        ).toString('base64url');
      }
      return schema.enum ? percentEncode(String(d.pick(schema.enum)).toUpperCase()) : percentEncode(d.text());
    case 4:
      return schema.enum ? percentEncode(String(d.pick(schema.enum))) : percentEncode(d.text());
    default:
      return percentEncode(d.text());
  }
}

function sampleFromSchema(
  schema: Schema,
  spec: OpenApiDocument,
  f: FuzzFixtures,
  d: Draw,
  key = '',
  depth = 0,
): unknown {
  if (schema.$ref)
    return sampleFromSchema(spec.components.schemas[schema.$ref.split('/').pop() ?? ''], spec, f, d, key, depth);
  if (schema.enum) return d.pick(schema.enum);
  if (key === 'provider') return d.pick(f.providerNames);
  if (key === 'sha256') return 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
  if (key === 'url') return d.pick(['https://example.invalid/image.img', 'http://127.0.0.1:1/x.img']);
  switch (schema.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, s] of Object.entries(schema.properties ?? {})) {
        if (schema.required?.includes(k) || d.chance(50)) out[k] = sampleFromSchema(s, spec, f, d, k, depth + 1);
      }
      if (!schema.properties && schema.additionalProperties) out[`fuzz_${d.nat(100)}`] = 'v';
      return out;
    }
    case 'array':
      return depth > 4 || !schema.items ? [] : [sampleFromSchema(schema.items, spec, f, d, key, depth + 1)];
    case 'number':
    case 'integer':
      return schema.minimum !== undefined ? Math.max(schema.minimum, 1) : 1;
    case 'boolean':
      return false;
    default:
      return typeof schema.example === 'string' ? schema.example : `fuzz-${d.nat(1000)}`;
  }
}

/** Every dotted path to a value in `value`, so one can be mutated. */
function leafPaths(value: unknown, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => leafPaths(v, [...prefix, k]))];
}

function setAt(root: unknown, path: string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const node = root as Record<string, unknown>;
  node[path[0]] = setAt(node[path[0]], path.slice(1), value);
  return root;
}

function mutatedBody(schema: Schema, spec: OpenApiDocument, f: FuzzFixtures, d: Draw): { label: string; body: Buffer } {
  const base = sampleFromSchema(schema, spec, f, d);
  const json = (v: unknown) => Buffer.from(JSON.stringify(v) ?? 'null');
  switch (d.nat(12)) {
    case 0:
      return { label: 'body:valid', body: json(base) };
    case 1: {
      const target = d.pick(leafPaths(base));
      return {
        label: `body:wrong-type@${target.join('.') || '(root)'}`,
        body: json(setAt(base, target, d.anyValue())),
      };
    }
    case 2: {
      const target = d.pick(leafPaths(base));
      return { label: `body:number@${target.join('.') || '(root)'}`, body: json(setAt(base, target, d.number())) };
    }
    case 3: {
      const target = d.pick(leafPaths(base));
      // JSON.stringify writes lone surrogates as \ud800 escapes, the way a client would send them.
      return { label: `body:text@${target.join('.') || '(root)'}`, body: json(setAt(base, target, d.text())) };
    }
    case 4:
      return { label: 'body:extra-field', body: json({ ...(base as object), [d.text() || 'extra']: d.anyValue() }) };
    case 5: {
      const depth = d.pick([33, 200, 5_000]);
      const nested = d.chance(50)
        ? '['.repeat(depth) + ']'.repeat(depth)
        : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
      const text = JSON.stringify(base).replace(/^\{/, `{"properties":${nested},`);
      return {
        label: `body:nested-${depth}`,
        body: Buffer.from(text.endsWith(',}') ? text.replace(/,}$/, '}') : text),
      };
    }
    case 6:
      return {
        label: 'body:raw-text',
        body: Buffer.from(
          d.pick([
            '',
            'null',
            '[]',
            '"text"',
            '42',
            '{',
            '{"a":1,}',
            '{"__proto__":{"polluted":1}}',
            '{"constructor":{"prototype":{"polluted":1}}}',
            '{"name":"\\ud800"}',
            '{"name":"\\u0000"}',
          ]),
        ),
      };
    case 7:
      return {
        label: 'body:invalid-utf8',
        body: Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xff, 0xfe, 0xc0]), Buffer.from('"}')]),
      };
    case 8: {
      const target = d.pick(leafPaths(base));
      return {
        label: `body:huge@${target.join('.') || '(root)'}`,
        body: json(setAt(base, target, 'A'.repeat(d.pick([256, 5_000, 20_000])))),
      };
    }
    case 9:
      return { label: 'body:over-limit', body: Buffer.alloc(1024 * 1024 + 10, 0x20) };
    default: {
      const target = d.pick(leafPaths(base));
      return { label: `body:null@${target.join('.') || '(root)'}`, body: json(setAt(base, target, null)) };
    }
  }
}

const ODD_CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  'application/json;;;',
  'application/merge-patch+json',
  'application/octet-stream',
  '*/*',
  'x',
];

function authHeader(f: FuzzFixtures, d: Draw): Array<[string, string]> {
  switch (d.nat(10)) {
    case 0:
      return [];
    case 1:
      return [
        [
          'authorization',
          d.pick(['Bearer ', 'Bearer wrong-secret', 'Basic YTpi', `Bearer ${'k'.repeat(4000)}`, 'bearer']),
        ],
      ];
    case 2:
    case 3:
      return [['authorization', `Bearer ${f.secrets.reader}`]];
    case 4:
    case 5:
    case 6:
      return [['authorization', `Bearer ${f.secrets.writer}`]];
    default:
      return [['authorization', `Bearer ${f.secrets.admin}`]];
  }
}

/** Requests no route declares: unknown methods, malformed request lines, odd targets. */
function offSpecRequest(index: number, f: FuzzFixtures, d: Draw): FuzzRequest {
  const auth = `Authorization: Bearer ${f.secrets.admin}\r\n`;
  const lines = [
    `FOO /v1/images HTTP/1.1\r\nHost: x\r\n${auth}\r\n`,
    `PROPFIND /v1/images HTTP/1.1\r\nHost: x\r\n${auth}\r\n`,
    `TRACE /v1/images HTTP/1.1\r\nHost: x\r\n\r\n`,
    `OPTIONS /v1/images HTTP/1.1\r\nHost: x\r\n\r\n`,
    `GET http://evil.example/v1/images HTTP/1.1\r\nHost: x\r\n${auth}\r\n`,
    `GET * HTTP/1.1\r\nHost: x\r\n\r\n`,
    `GET /v1/images HTTP/1.1\r\n${auth}\r\n`,
    `GET /v1/images HTTP/2.0\r\nHost: x\r\n\r\n`,
    `GET /v1/images\r\n\r\n`,
    `GET /v1/images HTTP/1.1\r\nHost: x\r\nBad Header Name: y\r\n\r\n`,
    `GET /v1/images HTTP/1.1\r\nHost: x\r\nX: ${'a'.repeat(20_000)}\r\n\r\n`,
    `GET /v1/images?q=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n${auth}\r\n`,
    `GET /v1/images/\u00fc HTTP/1.1\r\nHost: x\r\n${auth}\r\n`,
    `GET //v1//images HTTP/1.1\r\nHost: x\r\n${auth}\r\n`,
    `GET /v1/images/../../etc/passwd HTTP/1.1\r\nHost: x\r\n${auth}\r\n`,
    `POST /v1/images HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n{}`,
    `POST /v1/images HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`,
    `POST /v1/images HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: -1\r\n\r\n{}`,
    `POST /v1/images HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"name":"short"}`,
    `GET /health/live HTTP/1.1\r\nHost: x\r\n${Array.from({ length: 300 }, (_, i) => `X-H${i}: ${'v'.repeat(60)}\r\n`).join('')}\r\n`,
  ];
  const line = d.pick(lines);
  const firstLine = line.slice(0, line.indexOf('\r\n')).slice(0, 120);
  return {
    index,
    label: `off-spec:${firstLine}`,
    method: firstLine.split(' ')[0],
    target: firstLine.split(' ')[1] ?? '',
    headers: [],
    raw: Buffer.from(line, 'latin1'),
    // Only the body cut short needs EOF; Node drops a half-closed request's answer otherwise.
    halfClose: line.includes('Content-Length: 100\r\n'),
  };
}

function buildRequest(
  index: number,
  e: Entropy,
  ops: Operation[],
  spec: OpenApiDocument,
  f: FuzzFixtures,
): FuzzRequest {
  const d = new Draw(e);
  if (d.chance(4)) return offSpecRequest(index, f, d);
  const op = d.pick(ops);
  const labels: string[] = [];
  const mutatePath = d.chance(25);
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const mutated = mutatePath && pathParams.length > 0 ? d.pick(pathParams).name : undefined;
  if (mutated) labels.push(`path:${mutated}`);
  let target = op.path.replace(/\{(\w+)\}/g, (_, name: string) => pathParam(op, name, f, d, name === mutated));

  const query: string[] = [];
  const queryParams = op.parameters.filter((p) => p.in === 'query');
  if (d.chance(queryParams.length > 0 ? 60 : 10)) {
    for (let i = 0, n = 1 + d.nat(3); i < n; i++) {
      const param =
        queryParams.length > 0 && d.chance(85)
          ? d.pick(queryParams)
          : { name: d.text() || 'unknown', in: 'query' as const };
      const key = percentEncode(param.name);
      const value = queryValue(param, d);
      query.push(`${key}=${value}`);
      if (d.chance(15)) query.push(`${key}=${queryValue(param, d)}`);
      labels.push(`query:${param.name.slice(0, 30)}`);
    }
    target += `?${query.join('&')}`;
  }

  const headers: Array<[string, string]> = authHeader(f, d);
  let body: Buffer | undefined;
  let contentLength: string | null | undefined;
  let halfClose = false;
  const declared = op.bodies.length > 0 ? d.pick(op.bodies) : undefined;
  if (declared) {
    const m = mutatedBody(declared.schema, spec, f, d);
    body = m.body;
    labels.push(m.label);
    headers.push(['content-type', d.chance(15) ? d.pick(ODD_CONTENT_TYPES) : declared.contentType]);
  } else if (op.path.endsWith('/file') && op.method === 'PUT') {
    body = Buffer.from(d.text() || 'bytes');
    headers.push(['content-type', d.chance(80) ? 'application/octet-stream' : d.pick(ODD_CONTENT_TYPES)]);
    labels.push('body:file');
  } else if (d.chance(10)) {
    body = Buffer.from(JSON.stringify(d.anyValue()));
    headers.push(['content-type', 'application/json']);
    labels.push('body:unexpected');
  }
  if (body && d.chance(8)) {
    const choice = d.nat(3);
    if (choice === 0) {
      contentLength = String(body.length + 1 + d.nat(100));
      halfClose = true;
      labels.push('content-length:longer');
    } else if (choice === 1) {
      contentLength = 'abc';
      labels.push('content-length:invalid');
    } else {
      contentLength = null;
      labels.push('content-length:missing');
    }
  }
  if (d.chance(6)) {
    const odd = d.pick<[string, string]>([
      ['x-fuzz', 'a'.repeat(20_000)],
      ['accept', 'text/html'],
      ['accept', 'application/xml;q=1, */*;q=0'],
      ['idempotency-key', 'k'.repeat(d.pick([10, 300, 5_000]))],
      ['if-none-match', `"${'e'.repeat(3000)}"`],
      ['x-request-id', 'r'.repeat(2000)],
      ['x-forwarded-for', '::1, 999.1.1.1, garbage'],
      ['range', 'bytes=99999999999999999999-'],
    ]);
    headers.push(odd);
    labels.push(`header:${odd[0]}`);
  }
  return {
    index,
    label: `${op.method} ${op.path} ${labels.join(' ') || 'valid'}`,
    method: op.method,
    target,
    headers,
    body,
    contentLength,
    halfClose,
  };
}

/** The requests of one run: the same seed gives the same list. */
export function fuzzRequests(
  spec: OpenApiDocument,
  fixtures: FuzzFixtures,
  seed: number,
  count: number,
): FuzzRequest[] {
  const ops = operationsOf(spec);
  return fc.sample(entropy, { seed, numRuns: count }).map((e, i) => buildRequest(i, e, ops, spec, fixtures));
}

/** The bytes of a request, as written on the socket. */
export function requestBytes(request: FuzzRequest, port: number): Buffer {
  if (request.raw) return request.raw;
  const head = [`${request.method} ${request.target} HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Connection: close'];
  for (const [k, v] of request.headers) head.push(`${k}: ${v}`);
  if (request.body && request.contentLength !== null)
    head.push(`Content-Length: ${request.contentLength ?? request.body.length}`);
  return Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), request.body ?? Buffer.alloc(0)]);
}

/** One line that shows how to send the request again by hand. */
export function describeRequest(request: FuzzRequest): string {
  const clip = (s: string) => (s.length > 300 ? `${s.slice(0, 300)}…(${s.length} chars)` : s);
  const bytes = request.raw ? request.raw.toString('latin1') : '';
  return [
    `#${request.index} ${request.label}`,
    request.raw ? `  raw: ${JSON.stringify(clip(bytes))}` : `  ${request.method} ${clip(request.target)}`,
    ...request.headers.map(([k, v]) => `  ${k}: ${clip(k === 'authorization' ? v.replace(/ .+/, ' <key>') : v)}`),
    request.body ? `  body (${request.body.length} bytes): ${JSON.stringify(clip(request.body.toString('utf8')))}` : '',
    request.contentLength !== undefined ? `  content-length sent: ${String(request.contentLength)}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}
