import 'reflect-metadata';
import { createHttpApp } from '../../../src/app/http-app.factory';
import { installGracefulShutdown } from '../../../src/app/graceful-shutdown';
import { loadAppConfig } from '../../../src/platform/config/app-config';
import { ConfigurationError } from '../../../src/platform/config/config.errors';
import { createRootLogger } from '../../../src/platform/logging/root-logger';
import { bootstrapDatabase } from '../../../src/platform/persistence/database-bootstrap';
import { PROVIDER_KINDS } from '../../../src/providers/kinds/provider-kinds';
import { toyKind } from './toy.kind';

/**
 * The broker as src/main.ts starts it, with one more kind registered: the
 * registry plus the toy kind. The extra-kind test runs it from the built tree
 * (compiled next to dist/src by test/support/compile-test-entry.ts).
 */
async function main(): Promise<void> {
  const config = loadAppConfig(process.env);
  const rootLogger = createRootLogger({ level: config.logLevel, role: config.role });
  const logger = rootLogger.child({ context: 'main' });
  await bootstrapDatabase(config.databaseUrl, (m) => logger.info(m));
  const app = await createHttpApp(config, { logger: rootLogger, providerKinds: [...PROVIDER_KINDS, toyKind] });
  installGracefulShutdown(app, config, logger);
  await app.listen({ port: config.port, host: config.host });
  logger.info(`image-broker ${config.role} listening on http://${config.host}:${config.port}`);
}

main().catch((error: unknown) => {
  // As src/main.ts: a bad environment or PROVIDERS_FILE exits 2 with the message alone.
  if (error instanceof ConfigurationError) {
    process.stderr.write(`image-broker cannot start: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`image-broker failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
