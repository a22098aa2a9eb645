import type { FieldProblem } from '../config/validation-messages';

/**
 * The broker's own error hierarchy. Services throw these; ProblemDetailsFilter
 * is the one place that turns them (and provider errors) into problem+json.
 */
export abstract class AppError extends Error {
  abstract readonly status: number;
  /** Short slug, the last segment of the problem type URI. */
  abstract readonly slug: string;
  abstract readonly title: string;
  constructor(
    message: string,
    readonly errors?: FieldProblem[],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadRequestError extends AppError {
  readonly status = 400;
  readonly slug = 'validation-error';
  readonly title = 'Request is not valid';
}

export class UnauthorizedError extends AppError {
  readonly status = 401;
  readonly slug = 'unauthorized';
  readonly title = 'Authentication required';
}

export class ForbiddenError extends AppError {
  readonly status = 403;
  readonly slug = 'forbidden';
  readonly title = 'Not allowed';
}

export class NotFoundError extends AppError {
  readonly status = 404;
  readonly slug = 'not-found';
  readonly title = 'Not found';
}

export class ConflictError extends AppError {
  readonly status = 409;
  readonly slug = 'conflict';
  readonly title = 'Conflict';
}

export class UnprocessableError extends AppError {
  readonly status = 422;
  readonly slug = 'unprocessable';
  readonly title = 'Request cannot be processed';
}

/** An upload's push failed at its provider while the bytes were still being received. */
export class PushFailedError extends AppError {
  readonly status = 502;
  readonly slug = 'push-failed';
  readonly title = 'The push to the provider failed';
}

export class ServiceUnavailableError extends AppError {
  readonly status = 503;
  readonly slug = 'service-unavailable';
  readonly title = 'Service unavailable';
}

export class UnsupportedMediaTypeError extends AppError {
  readonly status = 415;
  readonly slug = 'unsupported-media-type';
  readonly title = 'Unsupported media type';
}

/** A request body that stopped arriving: cut off after the idle timeout. */
export class RequestTimeoutError extends AppError {
  readonly status = 408;
  readonly slug = 'request-timeout';
  readonly title = 'The request body stopped arriving';
}
