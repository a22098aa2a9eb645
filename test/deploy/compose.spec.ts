import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { nodeRuntimeEnv } from '../../harness/node-runtime-env';
import { loadProvidersFile } from '../../src/providers/connections/providers-file.loader';
import { envSchemaNames, repoRoot } from './env-names';
import { PROVIDER_KINDS } from '../../src/providers/kinds/provider-kinds';

/** Static checks of docker-compose.yml, its providers file and the Dockerfile (no Docker engine where the suite runs). */

interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, unknown>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test?: unknown; disable?: boolean };
  ports?: string[];
}

const compose = parse(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const providersExample = join(repoRoot, 'deploy', 'compose', 'providers.example.yaml');

describe('docker-compose.yml', () => {
  it('runs PostgreSQL, Redis and MinIO with healthchecks, and the broker as migrate, api and worker of one image', () => {
    const s = compose.services;
    expect(Object.keys(s).sort()).toEqual(['api', 'migrate', 'minio', 'minio-init', 'postgres', 'redis', 'worker']);
    for (const name of ['postgres', 'redis', 'minio']) expect(s[name].healthcheck?.test).toBeDefined();
    expect(new Set([s.migrate.image, s.api.image, s.worker.image]).size).toBe(1);
    expect(s.migrate.command).toEqual(['node', 'dist/src/migrate.js']);
    expect(s.api.environment?.ROLE).toBe('api');
    expect(s.worker.environment?.ROLE).toBe('worker');
    expect(s.worker.environment?.DATABASE_URL).toBe(s.api.environment?.DATABASE_URL);
    expect(s.api.environment?.PROVIDERS_FILE).toBe('/etc/image-broker/providers.yaml');
  });

  it('starts the api and the worker only after the migrations and the bucket are done and Redis is healthy', () => {
    for (const name of ['api', 'worker']) {
      expect(compose.services[name].depends_on).toEqual({
        migrate: { condition: 'service_completed_successfully' },
        redis: { condition: 'service_healthy' },
        'minio-init': { condition: 'service_completed_successfully' },
      });
    }
    expect(compose.services.migrate.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
  });

  it('gives the broker only environment variables it reads', () => {
    const known = envSchemaNames();
    for (const name of ['migrate', 'api', 'worker']) {
      const names = Object.keys(compose.services[name].environment ?? {});
      expect(names.filter((n) => !known.has(n))).toEqual([]);
    }
  });

  it('mounts a providers file the broker accepts as it is', () => {
    expect(loadProvidersFile(providersExample, {}, PROVIDER_KINDS)).toEqual([]);
  });

  it('shows an example connection that the broker accepts once uncommented', () => {
    const lines = readFileSync(providersExample, 'utf8').split('\n');
    const start = lines.findIndex((l) => l === '# providers:');
    const example = lines
      .slice(start)
      .filter((l) => l.startsWith('#'))
      .map((l) => l.replace(/^# ?/, ''))
      .join('\n');
    const file = join(mkdtempSync(join(tmpdir(), 'providers-example-')), 'providers.yaml');
    writeFileSync(file, example);
    const connections = loadProvidersFile(file, { NHN_TOKEN: 'nhn-token', GENESIS_TOKEN: 'genesis-token' }, PROVIDER_KINDS);
    expect(connections.map((c) => c.name)).toEqual(['nhn-kr1', 'genesis']);
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');

  it('runs the compiled entry points as the non-root node user, with a healthcheck on /health/live', () => {
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^ENV NODE_ENV=production/m);
    expect(dockerfile).toMatch(/^EXPOSE 3000$/m);
    expect(dockerfile).toMatch(/^CMD \["node", "dist\/src\/main\.js"\]$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n?.*\/health\/live/m);
    expect(existsSync(join(repoRoot, 'src', 'main.ts'))).toBe(true);
    expect(existsSync(join(repoRoot, 'src', 'migrate.ts'))).toBe(true);
  });

  it('sets the memory settings of deploy/node-runtime.env, the ones tests and benchmarks run brokers with', () => {
    const runtime = nodeRuntimeEnv(repoRoot);
    expect(Object.keys(runtime).sort()).toEqual(['MALLOC_ARENA_MAX', 'NODE_OPTIONS']);
    // The runtime stage's ENV instruction, continuation lines joined, as NAME=value words.
    const envInstruction = /^ENV NODE_ENV=(?:.*\\\n)*.*$/m.exec(dockerfile)?.[0].replace(/\\\n/g, ' ') ?? '';
    const imageEnv = Object.fromEntries(
      envInstruction
        .split(/\s+/)
        .filter((word) => word.includes('='))
        .map((word) => [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)]),
    );
    expect(imageEnv).toMatchObject(runtime);
  });

  it('copies the migrations into the runtime image, where project-root.ts looks for them', () => {
    expect(dockerfile).toContain('COPY --from=build /app/prisma ./prisma');
    expect(dockerfile).toContain('COPY --from=build /app/dist ./dist');
  });
});
