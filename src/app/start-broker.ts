import { loadAppConfig } from '../platform/config/app-config';
import { ConfigurationError } from '../platform/config/config.errors';
import { fixHeapGrowth } from '../platform/lifecycle/heap-growth';
import { createRootLogger } from '../platform/logging/root-logger';
import { bootstrapDatabase } from '../platform/persistence/database-bootstrap';
import { PROVIDER_KINDS } from '../providers/kinds/provider-kinds';
import type { ProviderKindDefinition } from '../providers/port/provider-kind';
import { installGracefulShutdown } from './graceful-shutdown';
import { createHttpApp } from './http-app.factory';

async function run(env: NodeJS.ProcessEnv, kinds: readonly ProviderKindDefinition[]): Promise<void> {
  fixHeapGrowth();
  const config = loadAppConfig(env);
  const rootLogger = createRootLogger({ level: config.logLevel, role: config.role });
  const logger = rootLogger.child({ context: 'main' });
  // Node's own warnings (deprecations, the AWS SDK's notices) go to stderr as plain text; keep every line JSON.
  process.removeAllListeners('warning');
  process.on('warning', (warning) => logger.warn({ warning: warning.name }, warning.message));
  await bootstrapDatabase(config.databaseUrl, (m) => logger.info(m));
  const app = await createHttpApp(config, { logger: rootLogger, providerKinds: kinds });
  installGracefulShutdown(app, config, logger);
  await app.listen({ port: config.port, host: config.host });
  logger.info(`image-broker ${config.role} listening on http://${config.host}:${config.port}`);
}

/**
 * Starts the broker as a process from its environment: the production entry
 * (src/main.ts) with the registry's kinds, or a test's entry with one more
 * kind registered.
 */
export function startBroker(env: NodeJS.ProcessEnv, kinds: readonly ProviderKindDefinition[] = PROVIDER_KINDS): void {
  run(env, kinds).catch((error: unknown) => {
    // A bad environment, or a bad PROVIDERS_FILE found while the modules are built: exit 2 with the message alone.
    if (error instanceof ConfigurationError) {
      process.stderr.write(`image-broker cannot start: ${error.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`image-broker failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
