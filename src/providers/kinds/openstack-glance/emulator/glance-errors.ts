import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FaultResponseBody } from '../../../emulator-kit/fault-injection';

/**
 * Error bodies as Glance really sends them. Glance raises webob HTTP exceptions,
 * and webob picks the body by content negotiation between text/html and
 * application/json (text/plain when neither is acceptable). So a client that
 * does not ask for JSON gets HTML; one sending `Accept: application/json` gets
 * `{"message": "...<br /><br />\n\n\n", "code": "404 Not Found", "title": "Not Found"}`.
 * 401s come from keystonemiddleware instead, which always answers JSON
 * `{"error": {"code": 401, "title": "Unauthorized", "message": ...}}`.
 */

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  413: 'Request Entity Too Large',
  415: 'Unsupported Media Type',
  416: 'Requested Range Not Satisfiable',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function httpTitle(status: number): string {
  return TITLES[status] ?? 'Error';
}

/** Thrown by route code; the emulator's error handler renders it webob-style. */
export class GlanceHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'GlanceHttpError';
  }
}

export const badRequest = (message: string) => new GlanceHttpError(400, message);
export const forbidden = (message: string) => new GlanceHttpError(403, message);
export const notFound = (message: string) => new GlanceHttpError(404, message);
export const conflict = (message: string) => new GlanceHttpError(409, message);

type WebobFormat = 'text/html' | 'application/json' | 'text/plain';

/** webob's `acceptable_offers(['text/html', 'application/json'])`, first match wins. */
export function negotiateWebobFormat(accept: string | undefined): WebobFormat {
  const offers = ['text/html', 'application/json'] as const;
  if (accept === undefined || accept.trim() === '') return 'text/html';
  const ranges = accept.split(',').map((part) => {
    const [mediaRange, ...params] = part.trim().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    return { range: mediaRange.trim().toLowerCase(), q: Number.isFinite(q) ? q : 0 };
  });
  const scored = offers
    .map((offer, index) => {
      const [type] = offer.split('/');
      const match =
        ranges.find((r) => r.range === offer) ??
        ranges.find((r) => r.range === `${type}/*`) ??
        ranges.find((r) => r.range === '*/*');
      return { offer, index, q: match?.q ?? 0 };
    })
    .filter((o) => o.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return scored[0]?.offer ?? 'text/plain';
}

export function renderWebobError(status: number, message: string, accept: string | undefined): FaultResponseBody {
  const statusLine = `${status} ${httpTitle(status)}`;
  const format = negotiateWebobFormat(accept);
  if (format === 'application/json') {
    return {
      contentType: 'application/json',
      body: JSON.stringify({ message: `${message}<br /><br />\n\n\n`, code: statusLine, title: httpTitle(status) }),
    };
  }
  if (format === 'text/html') {
    return {
      contentType: 'text/html; charset=UTF-8',
      body:
        `<html>\n <head>\n  <title>${statusLine}</title>\n </head>\n <body>\n  <h1>${statusLine}</h1>\n` +
        `  ${escapeHtml(message)}<br /><br />\n\n\n\n </body>\n</html>`,
    };
  }
  return { contentType: 'text/plain; charset=UTF-8', body: `${statusLine}\n\n${message}\n\n\n` };
}

export function sendGlanceError(request: FastifyRequest, reply: FastifyReply, error: GlanceHttpError): FastifyReply {
  const { contentType, body } = renderWebobError(error.status, error.message, request.headers.accept);
  for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
  return reply.code(error.status).type(contentType).send(body);
}

/** keystonemiddleware's rejection; `identityUri` goes into WWW-Authenticate like the real thing. */
export function sendUnauthorized(reply: FastifyReply, identityUri: string): FastifyReply {
  return reply
    .code(401)
    .header('WWW-Authenticate', `Keystone uri="${identityUri}"`)
    .type('application/json')
    .send(JSON.stringify(keystoneErrorBody(401, 'The request you have made requires authentication.')));
}

/** Keystone (and keystonemiddleware) error body. */
export function keystoneErrorBody(
  status: number,
  message: string,
): { error: { code: number; title: string; message: string } } {
  return { error: { code: status, title: httpTitle(status), message } };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
