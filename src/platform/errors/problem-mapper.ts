import {
  OperationNotSupportedError,
  ProviderAuthError,
  ProviderError,
  ProviderNotFoundError,
  ProviderProtocolError,
  ProviderRejectedError,
} from './provider.errors';
import { AppError } from './app.errors';
import { problemType, type ProblemDetails } from './problem-details';

const STATUS_TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Authentication required',
  403: 'Not allowed',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Request cannot be processed',
  429: 'Too many requests',
  500: 'Internal server error',
  501: 'Not implemented',
  502: 'Bad gateway',
  503: 'Service unavailable',
};

/** Anything thrown → problem details. Unknown errors become a 500 that reveals nothing internal. */
export function toProblem(error: unknown): ProblemDetails {
  if (error instanceof AppError) {
    return {
      type: problemType(error.slug),
      title: error.title,
      status: error.status,
      detail: error.message,
      ...(error.errors ? { errors: error.errors } : {}),
    };
  }
  if (error instanceof ProviderError) return providerProblem(error);
  const status = httpStatusOf(error);
  if (status !== undefined && status < 500) {
    return {
      type: problemType(slugFor(status)),
      title: STATUS_TITLES[status] ?? 'Request failed',
      status,
      detail: messageOf(error) ?? STATUS_TITLES[status] ?? 'Request failed',
    };
  }
  return {
    type: problemType('internal-error'),
    title: STATUS_TITLES[500],
    status: 500,
    detail: 'An unexpected error occurred; it has been logged.',
  };
}

function providerProblem(error: ProviderError): ProblemDetails {
  const base = { provider: error.provider, code: error.code };
  if (error instanceof OperationNotSupportedError) {
    return {
      type: problemType('operation-not-supported'),
      title: 'Operation not supported by this provider',
      status: 501,
      detail: error.message,
      ...base,
      operation: error.operation,
    };
  }
  if (error instanceof ProviderNotFoundError) {
    return {
      type: problemType('provider-not-found'),
      title: 'Not found at the provider',
      status: 404,
      detail: error.message,
      ...base,
    };
  }
  if (error instanceof ProviderRejectedError) {
    const status = error.upstreamStatus === 409 ? 409 : 422;
    return {
      type: problemType('provider-rejected'),
      title: 'Provider refused the request',
      status,
      detail: error.message,
      ...base,
    };
  }
  if (error instanceof ProviderAuthError) {
    return {
      type: problemType('provider-auth-failed'),
      title: 'Provider refused our credentials',
      status: 502,
      detail: error.message,
      ...base,
    };
  }
  if (error instanceof ProviderProtocolError) {
    return {
      type: problemType('provider-protocol-error'),
      title: 'Provider answered something unreadable',
      status: 502,
      detail: error.message,
      ...base,
    };
  }
  return {
    type: problemType('provider-unavailable'),
    title: 'Provider unavailable',
    status: 503,
    detail: error.message,
    ...base,
  };
}

function httpStatusOf(error: unknown): number | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const e = error as { getStatus?: () => number; statusCode?: unknown; status?: unknown };
  if (typeof e.getStatus === 'function') return e.getStatus();
  if (typeof e.statusCode === 'number') return e.statusCode;
  if (typeof e.status === 'number') return e.status;
  return undefined;
}

function messageOf(error: unknown): string | undefined {
  const e = error as { getResponse?: () => unknown; message?: unknown };
  if (typeof e.getResponse === 'function') {
    const response = e.getResponse();
    if (typeof response === 'string') return response;
    const message = (response as { message?: unknown }).message;
    if (typeof message === 'string') return message;
    if (Array.isArray(message)) return message.join('; ');
  }
  return typeof e.message === 'string' ? e.message : undefined;
}

function slugFor(status: number): string {
  return (STATUS_TITLES[status] ?? 'error').toLowerCase().replace(/[^a-z]+/g, '-');
}
