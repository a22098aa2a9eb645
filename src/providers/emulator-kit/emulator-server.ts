import Fastify from 'fastify';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { FaultBodyRenderer, FaultInjector } from './fault-injection';

/** What every emulator exposes of its HTTP server. */
export interface EmulatorServer {
  app: FastifyInstance;
  /** Starts listening on 127.0.0.1 (port 0 = any free port) and resolves to `http://127.0.0.1:<port>`. */
  listen(port?: number): Promise<string>;
  close(): Promise<void>;
}

export interface EmulatorAppOptions {
  logger?: boolean;
  faults: FaultInjector;
  /** Fault bodies in the provider's own error shape. */
  renderFault: FaultBodyRenderer;
  /** Further Fastify settings, e.g. a body limit. */
  fastify?: Pick<FastifyServerOptions, 'bodyLimit' | 'routerOptions'>;
}

/**
 * An emulator's Fastify app with fault injection and its `/_emulator/faults`
 * admin routes already installed. Faults come first, before any auth hook the
 * emulator adds, so they hit unauthenticated calls too, like a load balancer in
 * front of the API.
 */
export function createEmulatorApp(options: EmulatorAppOptions): FastifyInstance {
  // forceCloseConnections: keep-alive sockets from fetch must not hold close() hostage.
  const app = Fastify({ ...options.fastify, logger: options.logger ?? false, forceCloseConnections: true });
  options.faults.install(app, { renderError: options.renderFault });
  options.faults.installAdminRoutes(app);
  return app;
}

/** listen() and close() over an emulator's app; close() is safe to call twice and runs `afterClose` once. */
export function emulatorServer(app: FastifyInstance, afterClose?: () => Promise<void>): EmulatorServer {
  let closed = false;
  return {
    app,
    async listen(port = 0) {
      return app.listen({ host: '127.0.0.1', port });
    },
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      await afterClose?.();
    },
  };
}
