import { loadAppConfig } from './platform/config/app-config';
import { ConfigurationError } from './platform/config/config.errors';
import { bootstrapDatabase } from './platform/persistence/database-bootstrap';
import { loadProvidersFile } from './providers/connections/providers-file.loader';
import { PROVIDER_KINDS } from './providers/kinds/provider-kinds';

/**
 * `node dist/src/migrate.js`: creates the database when missing, applies the
 * committed migrations and exits. Deployments run it once before a release
 * (the Compose `migrate` service, the Helm pre-install/pre-upgrade Job), so
 * replicas never race to migrate; the broker still applies anything missing
 * at start-up, under the same advisory lock, for single-process installs.
 */
async function migrate(): Promise<void> {
  const config = loadAppConfig(process.env);
  // A release whose PROVIDERS_FILE the broker would refuse stops here, before any migration, as it did
  // when AppConfig read the file: checked against the kinds the broker ships, as main.ts's broker does.
  if (config.providersFile) loadProvidersFile(config.providersFile, config.environment, PROVIDER_KINDS);
  const result = await bootstrapDatabase(config.databaseUrl, (message) => process.stdout.write(`${message}\n`));
  const applied = result.applied.length === 0 ? 'nothing to apply' : `applied ${result.applied.join(', ')}`;
  process.stdout.write(`migrations: ${applied}\n`);
}

migrate().then(
  () => process.exit(0),
  (error: unknown) => {
    const message =
      error instanceof ConfigurationError ? error.message : error instanceof Error ? error.stack : String(error);
    process.stderr.write(`image-broker migration failed: ${message}\n`);
    process.exit(error instanceof ConfigurationError ? 2 : 1);
  },
);
