import { drainAbandonedBody } from '../request-parsing/abandoned-body';
import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { scrubUrl, scrubUrlsInText } from '../logging/log-redaction';
import { REQUEST_ID_HEADER } from '../logging/request-id';
import { PROBLEM_CONTENT_TYPE, type ProblemDetails } from './problem-details';
import { toProblem } from './problem-mapper';

/**
 * How much request-derived text an answer echoes: a detail, an `instance`, a
 * field name or message. Enough to name what was wrong; a client that sends a
 * megabyte of text does not get it back, nor make the scrubber walk it.
 */
const MAX_DETAIL_CHARS = 2000;
const MAX_INSTANCE_CHARS = 2048;
const MAX_FIELD_CHARS = 300;
const MAX_FIELD_PROBLEMS = 100;

const logger = new Logger('ProblemDetails');

/** The one edge where every error, ours or a provider's or the framework's, becomes problem+json. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendProblem(http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>(), error);
  }
}

/** Answers `error` as problem+json; also used by hooks that answer before Nest sees the request. */
export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: unknown): void {
  const problem = toProblem(error);
  if (problem.status >= 500) {
    logger.error(
      scrubUrlsInText(
        `${request.method} ${capText(scrubUrl(request.url), MAX_INSTANCE_CHARS)} → ${problem.status}: ${(error as Error)?.stack ?? String(error)}`,
      ),
    );
  }
  if (problem.status === 401) void reply.header('WWW-Authenticate', 'Bearer');
  // A body over the limit is left unread: read and drop the rest (up to the drain's cap) so the
  // client, still sending, gets its 413 instead of a reset (the fuzz suite saw EPIPE for it).
  if (problem.status === 413) drainAbandonedBody(request.raw);
  void reply
    .status(problem.status)
    .header('Content-Type', PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify(presentable(problem, request, reply)));
}

/**
 * The problem as sent: scrubbed of URLs that may carry a token or signature
 * (an import source, say), then request-derived text capped; an internal error
 * carries the request id, so its log line can be found, and nothing else.
 */
function presentable(problem: ProblemDetails, request: FastifyRequest, reply: FastifyReply): ProblemDetails {
  const out: ProblemDetails = {
    ...problem,
    detail: capText(scrubUrlsInText(problem.detail), MAX_DETAIL_CHARS),
    instance: capText(scrubUrl(request.url), MAX_INSTANCE_CHARS),
  };
  if (problem.errors) {
    out.errors = problem.errors.slice(0, MAX_FIELD_PROBLEMS).map((e) => ({
      field: capText(e.field, MAX_FIELD_CHARS),
      message: capText(scrubUrlsInText(e.message), MAX_FIELD_CHARS),
    }));
  }
  const requestId = reply.getHeader(REQUEST_ID_HEADER);
  if (problem.status === 500 && typeof requestId === 'string') out.requestId = requestId;
  return out;
}

/** `text` cut to `max` characters, an ellipsis marking the cut. */
export function capText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
