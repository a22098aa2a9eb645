import type { FastifyReply } from 'fastify';
import type { FaultResponseBody } from '../../../emulator-kit/fault-injection';

/**
 * FPT Cloud's API error envelope, as FPT's own Terraform provider reads it:
 * `{"status": false, "error_code": "1503002", "message": "Instance not found",
 * "data": null, "details": null}`, with `error_code` a numeric string and
 * "500000" for uncaught server errors. The seed documents no error bodies, so
 * the emulator uses that envelope for every status; its codes are the HTTP
 * status followed by three zeros, and `details` carries DRF-style field errors.
 */
export interface FptErrorBody {
  status: false;
  error_code: string;
  message: string;
  data: null;
  details: Record<string, string[]> | null;
}

export class FptHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: Record<string, string[]> | null = null,
  ) {
    super(message);
    this.name = 'FptHttpError';
  }
}

export const badRequest = (message: string, details: Record<string, string[]> | null = null) =>
  new FptHttpError(400, message, details);
export const forbidden = (message: string) => new FptHttpError(403, message);
export const notFound = (message: string) => new FptHttpError(404, message);

export function fptErrorBody(
  status: number,
  message: string,
  details: Record<string, string[]> | null = null,
): FptErrorBody {
  return { status: false, error_code: `${status}000`, message, data: null, details };
}

export function sendFptError(reply: FastifyReply, error: FptHttpError): FastifyReply {
  return reply
    .code(error.status)
    .type('application/json')
    .send(fptErrorBody(error.status, error.message, error.details));
}

/** Injected faults speak the same envelope, as FPT's gateway errors would. */
export function renderFptFault(status: number, message: string): FaultResponseBody {
  return { contentType: 'application/json', body: JSON.stringify(fptErrorBody(status, message)) };
}
