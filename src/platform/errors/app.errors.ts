import type { FieldProblem } from '../config/validation-messages';
import { BrokerError } from './broker-error';

/**
 * The broker's own refusals and failures. Services throw these; the problem
 * mapper reads their status, slug, title and `transient` flag. A request the
 * client must change (4xx) is not transient; one that may pass later is.
 */
export abstract class AppError extends BrokerError {
  constructor(
    message: string,
    readonly errors?: FieldProblem[],
  ) {
    super(message);
  }

  override get problemMembers(): Record<string, unknown> {
    return this.errors ? { errors: this.errors } : {};
  }
}

export class BadRequestError extends AppError {
  readonly status = 400;
  readonly slug = 'validation-error';
  readonly title = 'Request is not valid';
  readonly transient = false;
}

export class UnauthorizedError extends AppError {
  readonly status = 401;
  readonly slug = 'unauthorized';
  readonly title = 'Authentication required';
  readonly transient = false;
}

export class ForbiddenError extends AppError {
  readonly status = 403;
  readonly slug = 'forbidden';
  readonly title = 'Not allowed';
  readonly transient = false;
}

export class NotFoundError extends AppError {
  readonly status = 404;
  readonly slug = 'not-found';
  readonly title = 'Not found';
  readonly transient = false;
}

export class ConflictError extends AppError {
  readonly status = 409;
  readonly slug = 'conflict';
  readonly title = 'Conflict';
  readonly transient = false;
}

/** What was asked for existed and was withdrawn for good (a revoked family version). */
export class GoneError extends AppError {
  readonly status = 410;
  readonly slug = 'gone';
  readonly title = 'Gone';
  readonly transient = false;
}

export class UnprocessableError extends AppError {
  readonly status = 422;
  readonly slug = 'unprocessable';
  readonly title = 'Request cannot be processed';
  readonly transient = false;
}

/** An upload's push failed at its provider while the bytes were still being received. */
export class PushFailedError extends AppError {
  readonly status = 502;
  readonly slug = 'push-failed';
  readonly title = 'The push to the provider failed';
  readonly transient = true;
}

export class ServiceUnavailableError extends AppError {
  readonly status = 503;
  readonly slug = 'service-unavailable';
  readonly title = 'Service unavailable';
  readonly transient = true;
}

export class UnsupportedMediaTypeError extends AppError {
  readonly status = 415;
  readonly slug = 'unsupported-media-type';
  readonly title = 'Unsupported media type';
  readonly transient = false;
}

/** A request body that stopped arriving: cut off after the idle timeout. */
export class RequestTimeoutError extends AppError {
  readonly status = 408;
  readonly slug = 'request-timeout';
  readonly title = 'The request body stopped arriving';
  readonly transient = true;
}
