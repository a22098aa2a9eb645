import {
  createEmulatorApp,
  emulatorServer,
  type EmulatorServer,
} from '../../../../src/providers/emulator-kit/emulator-server';
import { FaultInjector } from '../../../../src/providers/emulator-kit/fault-injection';
import type { ToyImageRecord } from './toy-seed';

export interface ToyEmulatorOptions {
  /** The one token accepted as `Authorization: Bearer <token>`. */
  token: string;
  /** The catalogue: images by shelf. */
  shelves: Readonly<Record<string, readonly ToyImageRecord[]>>;
}

export interface ToyEmulator extends EmulatorServer {
  faults: FaultInjector;
}

/**
 * The toy cloud's whole API, made up for the extra-kind test: `GET
 * /shelves/{shelf}/images` answers `{ images: [...] }` in one page, 401 for
 * another token and 404 for a shelf it does not have, errors as `{ error }`.
 */
export function createToyEmulator(options: ToyEmulatorOptions): ToyEmulator {
  const faults = new FaultInjector();
  const app = createEmulatorApp({
    faults,
    renderFault: (_status, message) => ({ contentType: 'application/json', body: JSON.stringify({ error: message }) }),
  });
  app.get<{ Params: { shelf: string } }>('/shelves/:shelf/images', async (request, reply) => {
    if (request.headers.authorization !== `Bearer ${options.token}`) {
      return reply.code(401).send({ error: 'bad token' });
    }
    const images = options.shelves[request.params.shelf];
    if (!images) return reply.code(404).send({ error: `no shelf '${request.params.shelf}'` });
    return { images };
  });
  return { ...emulatorServer(app), faults };
}
