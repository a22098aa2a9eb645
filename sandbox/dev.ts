import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAppConfig } from '../src/platform/config/app-config';
import { createHttpApp } from '../src/app/http-app.factory';
import { fixHeapGrowth } from '../src/platform/lifecycle/heap-growth';
import { bootstrapDatabase } from '../src/platform/persistence/database-bootstrap';
import { projectRoot } from '../src/platform/persistence/project-root';
import { startEmbeddedS3 } from './embedded-s3';
import { seedExampleFamily } from './family-seed';
import { startSandboxEmulators } from './sandbox-emulators';
import { sandboxSecretsKey } from './sandbox-secrets-key';

/**
 * `npm run dev`: the whole broker on one machine. Every provider kind runs as
 * an emulator seeded with realistic images, the broker runs with ROLE=all, and
 * the catalogue is synced before the URL is printed.
 */
async function main(): Promise<void> {
  fixHeapGrowth();
  // SANDBOX_DIR: another folder for the sandbox's files (its tests use a temporary one).
  const dir = process.env.SANDBOX_DIR ?? join(projectRoot(), '.sandbox');
  mkdirSync(dir, { recursive: true });
  // The staging bucket, unless STAGING_S3_* points at a real one; the FPT emulator keeps its parts there too.
  const s3 = process.env.STAGING_S3_ENDPOINT ? null : await startEmbeddedS3();
  const emulators = await startSandboxEmulators(undefined, s3?.endpoint);
  const providersFile = join(dir, 'providers.yaml');
  writeFileSync(providersFile, emulators.providersYaml);

  const adminSecret = process.env.SANDBOX_ADMIN_KEY ?? `sbx_${randomBytes(18).toString('base64url')}`;
  const env = {
    ...process.env,
    ...emulators.env,
    ...(s3?.env ?? {}),
    PORT: process.env.PORT ?? '3000',
    HOST: process.env.HOST ?? '127.0.0.1',
    PROVIDERS_FILE: providersFile,
    API_KEYS: process.env.API_KEYS ?? `sandbox-admin:${adminSecret}:admin`,
    SECRETS_KEY: process.env.SECRETS_KEY ?? sandboxSecretsKey(dir),
    REDIS_PREFIX: process.env.REDIS_PREFIX ?? 'image-broker-sandbox',
    // One local port a webhook receiver may listen on (README, "A family, end to end"); nothing else local.
    IMPORT_ALLOWED_ADDRESSES: process.env.IMPORT_ALLOWED_ADDRESSES ?? '127.0.0.1:9999',
  };
  const config = loadAppConfig(env);
  await bootstrapDatabase(config.databaseUrl, (m) => console.log(`[db] ${m}`));
  const app = await createHttpApp(config);
  await app.listen({ port: config.port, host: config.host });
  const url = `http://${config.host}:${config.port}`;

  const shutdown = async () => {
    await app.close();
    await emulators.close();
    await s3?.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());

  const synced = await syncEverything(url, adminSecret, emulators.providerNames);
  // The example family is a convenience: a sandbox whose seeding failed still serves everything else.
  const resolveCommand = await seedExampleFamily(
    url,
    adminSecret,
    process.env.API_KEYS ? '<secret>' : adminSecret,
  ).catch((error: unknown) => `(the example family could not be seeded: ${(error as Error).message})`);
  console.log(`
image-broker sandbox is up
  API         ${url}/v1/images
  Swagger UI  ${url}/docs
  OpenAPI     ${url}/openapi.json
  Queues      ${url}/admin/queues (the admin key as the password)
  Metrics     ${url}/metrics
  staging     ${s3 ? `${s3.endpoint} (embedded s3rver)` : process.env.STAGING_S3_ENDPOINT}
  admin key   ${process.env.API_KEYS ? '(from API_KEYS)' : adminSecret}
  providers   ${emulators.describe().join('\n              ')}
  catalogue   ${synced} images synced

  families    gpu-base on vietnix-hcm, nhn-kr1 and fpt-hcm: stable = 2026.11, beta = 2026.12

  cli:  export IMAGE_BROKER_URL=${url} IMAGE_BROKER_TOKEN=${process.env.API_KEYS ? '<secret>' : adminSecret}
        npx image-broker images ls --os-distro ubuntu --limit 5
        npx image-broker families resolve gpu-base --channel stable --provider fpt-hcm
  curl: curl -H "Authorization: Bearer ${process.env.API_KEYS ? '<secret>' : adminSecret}" "${url}/v1/images?osDistro=ubuntu&limit=5"
        ${resolveCommand}
`);
}

async function syncEverything(url: string, secret: string, providers: string[]): Promise<number> {
  const headers = { authorization: `Bearer ${secret}` };
  const jobs = await Promise.all(
    providers.map(async (name) => {
      const res = await fetch(`${url}/v1/providers/${name}/sync`, { method: 'POST', headers });
      return ((await res.json()) as { id: string }).id;
    }),
  );
  const deadline = Date.now() + 120_000;
  for (const id of jobs) {
    for (;;) {
      const job = (await (await fetch(`${url}/v1/jobs/${id}`, { headers })).json()) as {
        state: string;
        provider: string;
        error?: { message: string };
      };
      if (job.state === 'succeeded') break;
      if (job.state === 'failed' || Date.now() > deadline) {
        console.warn(`sync of ${job.provider} ${job.state}: ${job.error?.message ?? 'timed out'}`);
        break;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  const res = await fetch(`${url}/v1/providers`, { headers });
  const body = (await res.json()) as { items: Array<{ imageCount: number }> };
  return body.items.reduce((sum, p) => sum + p.imageCount, 0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
