import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyBodyParser } from 'fastify';
import { BadRequestError } from '../errors/app.errors';
import { jsonNestingExceeds, MAX_JSON_NESTING } from './json-nesting';

/**
 * The JSON body parsers of every route: `application/json` and, for PATCH,
 * `application/merge-patch+json` (RFC 7396). Both go through Fastify's own JSON
 * parser (which refuses `__proto__` and `constructor.prototype` keys), after a
 * linear scan that refuses a body nesting deeper than MAX_JSON_NESTING: 5,000
 * nested arrays made the validation pipe overflow the stack (a 500), and
 * JSON.parse itself is superlinear in the nesting depth. Registered through
 * Nest's useBodyParser, so Nest does not add its own JSON parser over them.
 */
export function installJsonBodyParsers(app: NestFastifyApplication): void {
  const parseJson = app.getHttpAdapter().getInstance().getDefaultJsonParser('error', 'error');
  const parse: FastifyBodyParser<Buffer> = (request, body, done) => {
    const text = body.toString('utf8');
    if (jsonNestingExceeds(text)) {
      const message = `the body nests objects and arrays more than ${MAX_JSON_NESTING} levels deep`;
      done(new BadRequestError(message, [{ field: 'body', message }]), undefined);
      return;
    }
    parseJson(request, text, done);
  };
  app.useBodyParser('application/json', {}, parse);
  app.useBodyParser('application/merge-patch+json', {}, parse);
}
