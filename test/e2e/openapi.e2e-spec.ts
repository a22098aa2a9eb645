import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import createClient from 'openapi-fetch';
import ts from 'typescript';
import type { paths } from '../../packages/sdk/src/generated/openapi';
import { BrokerProcess, READER_SECRET, WRITER_SECRET } from '../../harness/broker-process';
import { startEmbeddedS3, type EmbeddedS3 } from '../../sandbox/embedded-s3';
import { TestImageBytes } from '../support/image-bytes';
import { glanceProvidersYaml, NHN_TOKEN, startGlancePair, type GlanceEmulator } from '../support/glance-fixtures';

const ROOT = resolve(__dirname, '../..');
const BIN = join(ROOT, 'node_modules/.bin');

describe('the OpenAPI spec', () => {
  let broker: BrokerProcess;
  let emulators: GlanceEmulator[] = [];
  let s3: EmbeddedS3 | undefined;

  beforeAll(async () => {
    s3 = await startEmbeddedS3();
    const pair = await startGlancePair({ nhn: 30, standard: 30 });
    emulators = [pair.nhn, pair.standard];
    broker = await BrokerProcess.start({
      label: 'openapi',
      providersYaml: glanceProvidersYaml(pair.nhnUrl, pair.standardUrl),
      env: { NHN_TOKEN, ...s3.env },
    });
  });
  afterAll(async () => {
    await broker?.stop();
    await Promise.all(emulators.map((e) => e.close()));
    await s3?.close();
  });

  it('is committed exactly as the code serves it (run `npm run openapi` when this fails)', async () => {
    const served = await broker.api<unknown>('/openapi.json', { secret: null });
    const committed = JSON.parse(readFileSync(join(ROOT, 'openapi.json'), 'utf8')) as unknown;
    expect(served.body).toEqual(committed);
  });

  it('has generated client types that match the committed spec', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'oas-')), 'openapi.d.ts');
    execFileSync(join(BIN, 'openapi-typescript'), [join(ROOT, 'openapi.json'), '-o', out], { stdio: 'pipe' });
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(join(ROOT, 'packages/sdk/src/generated/openapi.d.ts'), 'utf8'));
  });

  it("passes Spectral's spectral:oas ruleset with no warnings", () => {
    const run = spawnSync(
      join(BIN, 'spectral'),
      ['lint', join(ROOT, 'openapi.json'), '--ruleset', join(ROOT, '.spectral.yaml'), '--fail-severity', 'warn'],
      { encoding: 'utf8' },
    );
    expect(`${run.stdout}${run.stderr}`).toMatch(/No results with a severity of 'warn' or higher found/);
    expect(run.status).toBe(0);
  });

  it("passes Redocly's recommended rules (redocly.yaml) with no errors and no warnings", () => {
    const run = spawnSync(join(BIN, 'redocly'), ['lint', 'openapi.json', '--format', 'stylish'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    });
    const output = `${run.stdout}${run.stderr}`;
    expect(output).not.toMatch(/\b(error|warning)\s+\S+\s/);
    expect(output).toMatch(/Your API description is valid/);
    expect(output).not.toMatch(/You have \d+ warnings?/);
    expect(run.status).toBe(0);
  });

  it('drives the broker end to end through a client generated from the spec', async () => {
    const writer = createClient<paths>({ baseUrl: broker.url, headers: { authorization: `Bearer ${WRITER_SECRET}` } });
    const reader = createClient<paths>({ baseUrl: broker.url, headers: { authorization: `Bearer ${READER_SECRET}` } });

    const providers = await reader.GET('/v1/providers');
    expect(providers.data?.items.map((p) => p.name).sort()).toEqual(['nhn-kr1', 'vietnix-hcm']);

    for (const name of ['nhn-kr1', 'vietnix-hcm']) {
      const sync = await writer.POST('/v1/providers/{name}/sync', { params: { path: { name } } });
      expect(sync.response.status).toBe(202);
      let job = sync.data!;
      while (job.state === 'queued' || job.state === 'running') {
        await new Promise((r) => setTimeout(r, 150));
        job = (await reader.GET('/v1/jobs/{id}', { params: { path: { id: job.id } } })).data!;
      }
      expect(job.state).toBe('succeeded');
    }

    const page = await reader.GET('/v1/images', {
      params: { query: { provider: 'nhn-kr1', sort: '-createdAt', limit: 10 } },
    });
    expect(page.data?.items.length).toBe(10);
    expect(page.data?.nextCursor).toEqual(expect.any(String));
    const next = await reader.GET('/v1/images', {
      params: { query: { provider: 'nhn-kr1', sort: '-createdAt', limit: 10, cursor: page.data!.nextCursor! } },
    });
    expect(next.data?.items[0].id).not.toBe(page.data?.items[0].id);

    const one = await reader.GET('/v1/images/{id}', { params: { path: { id: page.data!.items[0].id } } });
    expect(one.data?.nativeId).toBe(page.data!.items[0].nativeId);

    const missing = await reader.GET('/v1/images/{id}', {
      params: { path: { id: '00000000-0000-4000-8000-000000000000' } },
    });
    expect(missing.response.status).toBe(404);
    expect(missing.error).toMatchObject({ status: 404, title: 'Not found' });

    const jobs = await reader.GET('/v1/jobs', { params: { query: { type: 'sync', state: 'succeeded' } } });
    expect(jobs.data?.items.length).toBeGreaterThanOrEqual(2);

    // Every list (not only the catalogue's pages) carries an ETag and answers 304 to it, as the spec says.
    const etag = jobs.response.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]+"$/);
    const unchanged = await broker.api('/v1/jobs?type=sync&state=succeeded', {
      secret: READER_SECRET,
      headers: { 'if-none-match': etag! },
    });
    expect(unchanged.status).toBe(304);
  });

  it('uploads a file through the typed method of a client another generator (@hey-api/openapi-ts) made', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oas-hey-api-'));
    await run(join(BIN, 'openapi-ts'), [
      '-i',
      join(ROOT, 'openapi.json'),
      '-o',
      join(dir, 'client'),
      '-c',
      '@hey-api/client-fetch',
      '--no-log-file',
      '--silent',
    ]);
    writeFileSync(join(dir, 'upload.ts'), HEY_API_UPLOAD);
    const sources = [join(dir, 'upload.ts'), ...listTs(join(dir, 'client'))];
    const program = ts.createProgram(sources, {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
      strict: true,
      skipLibCheck: true,
      types: ['node'],
      typeRoots: [join(ROOT, 'node_modules/@types')],
      outDir: join(dir, 'js'),
      rootDir: dir,
    });
    const emitted = program.emit();
    const diagnostics = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics].map((d) =>
      ts.flattenDiagnosticMessageText(d.messageText, '\n'),
    );
    // The upload below type-checks against the generated types: a body that is not bytes, or a missing path id, would not.
    expect(diagnostics).toEqual([]);

    const bytes = new TestImageBytes(300 * 1024, 'hey-api');
    const chunks: Buffer[] = [];
    for await (const chunk of bytes.stream()) chunks.push(chunk as Buffer);
    const file = join(dir, 'image.raw');
    writeFileSync(file, Buffer.concat(chunks));
    const out = await run(process.execPath, [join(dir, 'js/upload.js'), broker.url, WRITER_SECRET, file, bytes.sha256]);
    const result = JSON.parse(out) as {
      uploadStatus: number;
      location: string | null;
      job: { id: string; state: string };
    };
    expect(result.uploadStatus).toBe(202);
    expect(result.location).toBe(`/v1/jobs/${result.job.id}`);
    expect(result.job.state).toBe('succeeded');

    const image = await broker.api<{ status: string; sizeBytes: number; checksums: { sha256: string } }>(
      `/v1/images/${(JSON.parse(out) as { imageId: string }).imageId}`,
      { secret: READER_SECRET },
    );
    expect(image.body).toMatchObject({
      status: 'active',
      sizeBytes: bytes.sizeBytes,
      checksums: { sha256: bytes.sha256 },
    });
    rmSync(dir, { recursive: true, force: true });
  });
});

/** Registers an image and uploads a file with the generated SDK functions, then follows the upload job. */
const HEY_API_UPLOAD = `
import { readFileSync } from 'node:fs';
import { createClient, createConfig } from './client/client';
import { createImage, getJob, uploadImageFile, type JobDto } from './client';

async function main(baseUrl: string, secret: string, path: string, sha256: string): Promise<void> {
  const client = createClient(createConfig({ baseUrl, auth: secret }));
  const bytes = readFileSync(path);
  const image = await createImage({
    client,
    body: { provider: 'vietnix-hcm', name: 'hey-api-upload', diskFormat: 'raw', containerFormat: 'bare', sizeBytes: bytes.length, sha256 },
    throwOnError: true,
  });
  const upload = await uploadImageFile({
    client,
    path: { id: image.data.id },
    body: new Blob([bytes]),
    headers: { 'Content-Length': bytes.length },
    throwOnError: true,
  });
  let job: JobDto = upload.data;
  while (job.state === 'queued' || job.state === 'running') {
    await new Promise((resolve) => setTimeout(resolve, 150));
    job = (await getJob({ client, path: { id: job.id }, throwOnError: true })).data;
  }
  const answer = {
    imageId: image.data.id,
    uploadStatus: upload.response.status,
    location: upload.response.headers.get('location'),
    job: { id: job.id, state: job.state },
  };
  process.stdout.write(JSON.stringify(answer));
}

const [baseUrl, secret, path, sha256] = process.argv.slice(2);
main(baseUrl, secret, path, sha256).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
`;

function listTs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listTs(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** Runs a program to its end (without blocking the broker's event loop in this process); its stdout. */
function run(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${file} failed: ${error.message}\n${stderr}`)) : resolve(stdout),
    );
  });
}
