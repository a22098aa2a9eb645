import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, problemType, type ProblemDetails } from './problem-details';

/**
 * The errors answered before a request reaches a route, and so before Nest's
 * exception filters: Node's HTTP parser (a malformed request line, a bad
 * Content-Length, a body cut short, headers or URL over the size limit) and
 * Fastify's router (a URL that is not valid percent-encoding, an over-long path
 * parameter). Their default answers are plain JSON or empty; these are
 * problem+json like every other error of the API. None echoes the request:
 * what was malformed may be megabytes long.
 */

/** The longest path parameter the router takes (a provider name, a tag, a member id), percent-encoded. */
export const MAX_PATH_PARAM_LENGTH = 1024;

const TITLES: Record<number, string> = {
  400: 'Bad request',
  408: 'Request timeout',
  414: 'URI too long',
  431: 'Request headers too large',
};

function problem(status: number, slug: string, detail: string): ProblemDetails {
  return { type: problemType(slug), title: TITLES[status] ?? 'Bad request', status, detail };
}

/** Node's clientError codes (llhttp's HPE_* and the server's timeouts) → the problem answered. */
export function clientErrorProblem(code: string | undefined): ProblemDetails {
  if (code === 'HPE_HEADER_OVERFLOW') {
    return problem(
      431,
      'headers-too-large',
      'The request line and headers together exceed the size the server accepts (16 KiB); shorten the URL or the headers',
    );
  }
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT' || code === 'ERR_HTTP_HEADERS_TIMEOUT') {
    return problem(408, 'request-timeout', 'The request was not received in time');
  }
  return problem(
    400,
    'malformed-request',
    'The request is not valid HTTP/1.1 (request line, header syntax, Content-Length or Transfer-Encoding, ' +
      'or a body shorter than its Content-Length)',
  );
}

/**
 * Fastify's `clientErrorHandler`: Node found the request malformed before any
 * route could see it, so the answer is written on the socket, which is closed
 * after it (the parser cannot find where the next request would begin).
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  // A reset peer or a socket already gone has no one to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) {
    const p = clientErrorProblem(error.code);
    const body = JSON.stringify(p);
    socket.write(
      `HTTP/1.1 ${p.status} ${STATUS_CODES[p.status]}\r\n` +
        `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  }
  socket.destroy(error);
}

/** Fastify's `frameworkErrors`: the router's refusals, FST_ERR_BAD_URL (400) and FST_ERR_MAX_PARAM_LENGTH (414). */
export function answerFrameworkError(
  error: Error & { code?: string; statusCode?: number },
  _request: FastifyRequest,
  reply: FastifyReply,
): void {
  let p: ProblemDetails;
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    p = problem(414, 'uri-too-long', `A path segment is longer than ${MAX_PATH_PARAM_LENGTH} characters`);
  } else if (error.code === 'FST_ERR_BAD_URL') {
    p = problem(400, 'malformed-url', 'The URL path is not valid percent-encoded UTF-8');
  } else {
    const status = typeof error.statusCode === 'number' && error.statusCode < 500 ? error.statusCode : 400;
    p = problem(status, 'malformed-request', 'The request could not be routed');
  }
  void reply.status(p.status).header('Content-Type', PROBLEM_CONTENT_TYPE).send(JSON.stringify(p));
}

/**
 * HTTP/1.1 requires a Host header (RFC 9112 §3.2). Node refuses its absence
 * with an empty 400 of its own unless `requireHostHeader` is off; it is off so
 * this hook can refuse it as problem+json instead.
 */
export function installHostHeaderCheck(instance: FastifyInstance): void {
  instance.addHook('onRequest', (request, reply, done) => {
    if (request.raw.httpVersion !== '1.1' || request.headers.host !== undefined) return done();
    const p = problem(400, 'malformed-request', 'An HTTP/1.1 request must carry a Host header');
    void reply.status(400).header('Content-Type', PROBLEM_CONTENT_TYPE).send(JSON.stringify(p));
  });
}
