import { BrokerError } from '../platform/errors/broker-error';
import { scrubUrlsInText } from '../platform/logging/log-redaction';
import { secretRedactor } from '../platform/logging/secret-redactor';

/** The code of a failure the broker did not foresee (a database error, a bug). */
export const INTERNAL_ERROR_CODE = 'internal_error';

export interface PublicJobError {
  code: string;
  /** Safe to store and show to any key that may read the job: no secret, no internal detail. */
  message: string;
  /** True when the message is the generic one and the real cause is only in the log. */
  internal: boolean;
}

/**
 * What a failure may say outside the process (job rows, a connection's
 * lastError, BullMQ's failedReason). The broker's own errors (every
 * BrokerError: its refusals, provider errors, job errors) keep their message, stripped of every known secret and of URL
 * credentials; anything else (Prisma's text, a stack of internals) becomes a
 * generic message, and the caller logs the detail.
 */
export function publicJobError(error: unknown): PublicJobError {
  const code = errorCode(error);
  if (code === INTERNAL_ERROR_CODE && !(error instanceof BrokerError)) {
    return {
      code,
      message: 'the broker failed internally; the worker log holds the details (search for this job id)',
      internal: true,
    };
  }
  return { code, message: scrubPublicText(error instanceof Error ? error.message : String(error)), internal: false };
}

/** Provider text on its way out: every known secret and every URL's userinfo and secret query values removed. */
export function scrubPublicText(text: string): string {
  return secretRedactor.redact(scrubUrlsInText(secretRedactor.redact(text)));
}

function errorCode(error: unknown): string {
  if (error instanceof BrokerError && error.code !== undefined) return error.code;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[a-z_]+$/.test(code) ? code : INTERNAL_ERROR_CODE;
}
