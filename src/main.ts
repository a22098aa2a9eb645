import 'reflect-metadata';
import { loadAppConfig } from './platform/config/app-config';
import { ConfigurationError } from './platform/config/config.errors';
import { createHttpApp } from './app/http-app.factory';
import { installGracefulShutdown } from './app/graceful-shutdown';
import { fixHeapGrowth } from './platform/lifecycle/heap-growth';
import { createRootLogger } from './platform/logging/root-logger';
import { bootstrapDatabase } from './platform/persistence/database-bootstrap';

/** Production entry: `ROLE=api|worker|all node dist/src/main.js`. */
async function main(): Promise<void> {
  fixHeapGrowth();
  let config;
  try {
    config = loadAppConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigurationError) {
      process.stderr.write(`image-broker cannot start: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const rootLogger = createRootLogger({ level: config.logLevel, role: config.role });
  const logger = rootLogger.child({ context: 'main' });
  // Node's own warnings (deprecations, the AWS SDK's notices) go to stderr as plain text; keep every line JSON.
  process.removeAllListeners('warning');
  process.on('warning', (warning) => logger.warn({ warning: warning.name }, warning.message));
  await bootstrapDatabase(config.databaseUrl, (m) => logger.info(m));
  const app = await createHttpApp(config, { logger: rootLogger });
  installGracefulShutdown(app, config, logger);
  await app.listen({ port: config.port, host: config.host });
  logger.info(`image-broker ${config.role} listening on http://${config.host}:${config.port}`);
}

main().catch((error: unknown) => {
  // A bad PROVIDERS_FILE is found while the modules are built (ProvidersFileConnections): the same exit as a bad env.
  if (error instanceof ConfigurationError) {
    process.stderr.write(`image-broker cannot start: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`image-broker failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
