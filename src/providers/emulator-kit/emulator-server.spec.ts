import type { FastifyInstance } from 'fastify';
import { FaultInjector } from './fault-injection';
import { createEmulatorApp, type EmulatorAppOptions, type EmulatorServer, emulatorServer } from './emulator-server';

const plainFault = (status: number, message: string) => ({ contentType: 'text/plain', body: `${status} ${message}` });

describe('createEmulatorApp', () => {
  let server: EmulatorServer | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  /** The app with `routes` added, listening; resolves to its base URL. */
  async function start(options: Partial<EmulatorAppOptions>, routes: (app: FastifyInstance) => void): Promise<string> {
    const app = createEmulatorApp({ faults: new FaultInjector(), renderFault: plainFault, ...options });
    routes(app);
    server = emulatorServer(app);
    return server.listen();
  }

  it('puts fault injection in front of the hooks the emulator adds later', async () => {
    const faults = new FaultInjector({ script: [{ kind: 'error', status: 503 }] });
    const base = await start({ faults }, (app) => {
      app.addHook('onRequest', async (_request, reply) => reply.code(401).send('no token'));
      app.get('/api/images', async () => []);
    });

    const faulted = await fetch(`${base}/api/images`);
    const next = await fetch(`${base}/api/images`);

    expect([faulted.status, await faulted.text()]).toEqual([503, '503 Injected failure.']);
    expect(next.status).toBe(401);
  });

  it('serves the fault admin routes', async () => {
    const faults = new FaultInjector();
    const base = await start({ faults }, () => undefined);

    const response = await fetch(`${base}/_emulator/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ errorRate: 1 }),
    });

    expect(response.status).toBe(200);
    expect(faults.get()).toEqual({ errorRate: 1 });
  });

  it('passes Fastify settings through', async () => {
    const base = await start({ fastify: { bodyLimit: 10 } }, (app) =>
      app.post('/echo', async (request) => request.body),
    );

    const response = await fetch(`${base}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ long: 'more than ten bytes' }),
    });

    expect(response.status).toBe(413);
  });
});

describe('emulatorServer', () => {
  it('listens on 127.0.0.1 and answers the base URL', async () => {
    const app = createEmulatorApp({ faults: new FaultInjector(), renderFault: plainFault });
    app.get('/ping', async () => 'pong');
    const server = emulatorServer(app);

    const base = await server.listen();

    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await expect(fetch(`${base}/ping`).then((r) => r.text())).resolves.toBe('pong');
    await server.close();
  });

  it('closes once, then runs afterClose once, however often close() is called', async () => {
    const app = createEmulatorApp({ faults: new FaultInjector(), renderFault: plainFault });
    const afterClose = jest.fn(async () => undefined);
    const server = emulatorServer(app, afterClose);
    await server.listen();

    await server.close();
    await server.close();

    expect(afterClose).toHaveBeenCalledTimes(1);
    expect(app.server.listening).toBe(false);
  });
});
