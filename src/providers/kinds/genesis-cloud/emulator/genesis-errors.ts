import type { FastifyReply } from 'fastify';
import type { FaultResponseBody } from '../../../emulator-kit/fault-injection';

/**
 * Genesis answers every error as `{"code": "<5 digits>", "message": "…"}`
 * (e.g. {"code": "02035", "message": "the selected image cannot be run on this
 * instance"}). Codes the seed does not list are this emulator's choice, written
 * down in docs/providers/genesis-cloud.md.
 */
export const GENESIS_ERROR_CODES = {
  internal: '01000',
  unauthorized: '01001',
  rateLimited: '01002',
  /** The example code of Genesis' public OpenAPI Error schema ("Invalid route"). */
  invalidRoute: '02001',
  invalidParameter: '02002',
  /** From the seed: an image that cannot run on the chosen instance type. */
  incompatibleImage: '02035',
} as const;

/** Thrown by route code; the emulator's error handler renders it. */
export class GenesisHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'GenesisHttpError';
  }
}

export const invalidParameter = (message: string) =>
  new GenesisHttpError(400, GENESIS_ERROR_CODES.invalidParameter, message);

export const invalidRoute = () => new GenesisHttpError(404, GENESIS_ERROR_CODES.invalidRoute, 'Invalid route');

export const unauthorized = () =>
  new GenesisHttpError(401, GENESIS_ERROR_CODES.unauthorized, 'unauthorized: missing or invalid API token', {
    'WWW-Authenticate': 'Bearer',
  });

export function genesisErrorBody(code: string, message: string): string {
  return JSON.stringify({ code, message });
}

export function sendGenesisError(reply: FastifyReply, error: GenesisHttpError): FastifyReply {
  for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
  return reply
    .code(error.status)
    .type('application/json; charset=utf-8')
    .send(genesisErrorBody(error.code, error.message));
}

/** Injected faults speak the same dialect, so clients meet the bodies they would meet for real. */
export function renderGenesisFault(status: number, message: string): FaultResponseBody {
  const code = status === 429 ? GENESIS_ERROR_CODES.rateLimited : GENESIS_ERROR_CODES.internal;
  return { contentType: 'application/json; charset=utf-8', body: genesisErrorBody(code, message) };
}
