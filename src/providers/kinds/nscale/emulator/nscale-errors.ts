import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FaultResponseBody } from '../../../emulator-kit/fault-injection';

/**
 * Error bodies as the Region Service sends them: the seed's "generic error
 * message, compatible with oauth2" — `{error, error_description, trace_id}` —
 * with `Cache-Control: no-cache` as unikorn's error writer adds. The token
 * endpoint uses the RFC 6749 §5.2 codes in the same shape.
 */
export type NscaleErrorCode =
  // The seed's `error` enum.
  | 'invalid_request'
  | 'server_error'
  | 'access_denied'
  | 'not_found'
  | 'conflict'
  | 'method_not_allowed'
  | 'unsupported_media_type'
  | 'request_entity_too_large'
  | 'unprocessable_content'
  | 'forbidden'
  // RFC 6749 §5.2, token endpoint only.
  | 'invalid_client'
  | 'invalid_grant'
  | 'invalid_scope'
  | 'unauthorized_client'
  | 'unsupported_grant_type';

export interface NscaleErrorBody {
  error: NscaleErrorCode;
  error_description: string;
  trace_id: string;
}

/** The seed's example descriptions, used wherever the emulator has nothing more specific to say. */
export const SEED_DESCRIPTIONS = {
  unauthorized: 'authentication failed',
  forbidden: 'user credentials do not have the required privileges',
  notFound: 'the requested resource does not exist',
  methodNotAllowed: 'the requested method was not allowed',
} as const;

/** Thrown by route code; the emulator's error handler renders it. */
export class NscaleHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: NscaleErrorCode,
    description: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(description);
    this.name = 'NscaleHttpError';
  }
}

/** 32 hex digits, like the seed's `57bc14d9bd461f0b5a72db830149b67a` (an OpenTelemetry trace id). */
export function newTraceId(): string {
  return randomBytes(16).toString('hex');
}

export function nscaleErrorBody(code: NscaleErrorCode, description: string): NscaleErrorBody {
  return { error: code, error_description: description, trace_id: newTraceId() };
}

export function sendNscaleError(reply: FastifyReply, error: NscaleHttpError): FastifyReply {
  for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
  return reply
    .code(error.status)
    .header('Cache-Control', 'no-cache')
    .type('application/json')
    .send(JSON.stringify(nscaleErrorBody(error.code, error.message)));
}

/**
 * Injected faults. A 500 comes from the service itself (the seed's
 * internalServerErrorResponse); 429, 502, 503 and 504 come from the ingress in
 * front of it, which answers with its own HTML page, as ingress-nginx does.
 */
export function renderNscaleFault(status: number, message: string, _request: FastifyRequest): FaultResponseBody {
  if (status === 500) {
    return { contentType: 'application/json', body: JSON.stringify(nscaleErrorBody('server_error', message)) };
  }
  const line = `${status} ${INGRESS_REASONS[status] ?? 'Error'}`;
  return {
    contentType: 'text/html',
    body: `<html>\r\n<head><title>${line}</title></head>\r\n<body>\r\n<center><h1>${line}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
  };
}

const INGRESS_REASONS: Record<number, string> = {
  429: 'Too Many Requests',
  502: 'Bad Gateway',
  503: 'Service Temporarily Unavailable',
  504: 'Gateway Time-out',
};
