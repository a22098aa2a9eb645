import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadAppConfig } from './config/app-config';
import { ConfigurationError } from './config/config.errors';
import { createHttpApp } from './http-app.factory';
import { bootstrapDatabase } from './persistence/database-bootstrap';

/** Production entry: `ROLE=api|worker|all node dist/src/main.js`. */
async function main(): Promise<void> {
  const logger = new Logger('main');
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
  await bootstrapDatabase(config.databaseUrl, (m) => logger.log(m));
  const app = await createHttpApp(config);
  const deadline = config.shutdownTimeoutMs;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.log(`${signal}: shutting down (deadline ${deadline} ms)`);
      setTimeout(() => {
        logger.error('shutdown deadline passed; exiting');
        process.exit(1);
      }, deadline).unref();
      // Nest's own hooks would re-raise the signal; closing here lets a clean stop exit 0.
      app.close().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error(`shutdown failed: ${String(error)}`);
          process.exit(1);
        },
      );
    });
  }
  await app.listen({ port: config.port, host: config.host });
  logger.log(`image-broker ${config.role} listening on http://${config.host}:${config.port}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`image-broker failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
