import { BrokerError } from './broker-error';
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

/**
 * Anything thrown → problem details. A BrokerError answers with what it
 * declares (status, slug, title, its message and its own members); a 500 of
 * any kind, and anything unknown, becomes a 500 that reveals nothing internal.
 * The framework's own HTTP errors (a Nest HttpException, a Fastify 4xx) keep
 * their status and message.
 */
export function toProblem(error: unknown): ProblemDetails {
  if (error instanceof BrokerError && error.status !== 500) {
    return {
      type: problemType(error.slug),
      title: error.title,
      status: error.status,
      detail: error.message,
      ...error.problemMembers,
    };
  }
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
