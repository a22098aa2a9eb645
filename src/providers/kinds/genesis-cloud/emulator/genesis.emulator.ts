import type { FastifyError } from 'fastify';
import { FaultInjector } from '../../../emulator-kit/fault-injection';
import type { FaultSettings } from '../../../emulator-kit/fault-injection';
import { createEmulatorApp, type EmulatorServer, emulatorServer } from '../../../emulator-kit/emulator-server';
import type { GenesisImageInit } from './genesis.types';
import { GenesisTokenRegistry, installGenesisAuth } from './genesis-auth';
import {
  GENESIS_ERROR_CODES,
  GenesisHttpError,
  invalidRoute,
  renderGenesisFault,
  sendGenesisError,
} from './genesis-errors';
import { GenesisImageStore } from './genesis-image.store';
import { registerGenesisImageRoutes } from './genesis-images.routes';

export interface GenesisEmulatorOptions {
  /** API tokens accepted as `Authorization: Bearer <token>`; when empty or omitted, any non-empty token is. */
  tokens?: string[];
  /** Seed images (e.g. from generateGenesisSeed), listed in this order. */
  images?: GenesisImageInit[];
  faults?: FaultSettings;
  logger?: boolean;
  /** Clock for the timestamps of images added without them. */
  now?: () => number;
}

export interface GenesisEmulator extends EmulatorServer {
  faults: FaultInjector;
  store: GenesisImageStore;
}

/**
 * Genesis Cloud's image API as documented: `GET /compute/v1/images` with the
 * `type` filter and `page`/`per_page` pagination, Bearer tokens, and
 * `{code, message}` error bodies, with the shared fault injection in front.
 */
export function createGenesisEmulator(opts: GenesisEmulatorOptions = {}): GenesisEmulator {
  const store = new GenesisImageStore(opts.images ?? [], opts.now ?? Date.now);
  const faults = new FaultInjector(opts.faults ?? {});
  const tokens = new GenesisTokenRegistry(opts.tokens ?? []);

  const app = createEmulatorApp({
    logger: opts.logger,
    faults,
    renderFault: (status, message) => renderGenesisFault(status, message),
  });

  app.setErrorHandler((error: FastifyError | GenesisHttpError, request, reply) => {
    if (error instanceof GenesisHttpError) return sendGenesisError(reply, error);
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return sendGenesisError(reply, new GenesisHttpError(status, GENESIS_ERROR_CODES.invalidParameter, error.message));
    }
    request.log.error(error);
    return sendGenesisError(reply, new GenesisHttpError(500, GENESIS_ERROR_CODES.internal, 'internal server error'));
  });
  app.setNotFoundHandler((_request, reply) => sendGenesisError(reply, invalidRoute()));

  installGenesisAuth(app, tokens);
  registerGenesisImageRoutes(app, store);

  return { ...emulatorServer(app), faults, store };
}
