import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import createClient from 'openapi-fetch';
import type { paths } from '../../packages/sdk/src/generated/openapi';
import { BrokerProcess, READER_SECRET, WRITER_SECRET } from '../../harness/broker-process';
import { glanceProvidersYaml, NHN_TOKEN, startGlancePair, type GlanceEmulator } from '../support/glance-fixtures';

const ROOT = resolve(__dirname, '../..');
const BIN = join(ROOT, 'node_modules/.bin');

describe('the OpenAPI spec', () => {
  let broker: BrokerProcess;
  let emulators: GlanceEmulator[] = [];

  beforeAll(async () => {
    const pair = await startGlancePair({ nhn: 30, standard: 30 });
    emulators = [pair.nhn, pair.standard];
    broker = await BrokerProcess.start({
      label: 'openapi',
      providersYaml: glanceProvidersYaml(pair.nhnUrl, pair.standardUrl),
      env: { NHN_TOKEN },
    });
  });
  afterAll(async () => {
    await broker?.stop();
    await Promise.all(emulators.map((e) => e.close()));
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

  it("passes Spectral's spectral:oas ruleset with no errors", () => {
    const run = spawnSync(
      join(BIN, 'spectral'),
      ['lint', join(ROOT, 'openapi.json'), '--ruleset', join(ROOT, '.spectral.yaml'), '--fail-severity', 'error'],
      { encoding: 'utf8' },
    );
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/\berror\b.*\S+\s+paths|[1-9]\d* errors?/);
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
  });
});
