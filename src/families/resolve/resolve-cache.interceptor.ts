import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { ResolveAnswerCache } from './resolve-answer-cache';
import type { ResolveAnswer } from './version-resolver';

/**
 * Serves resolve from the answer cache, keyed by its URL, before the query is
 * validated and the handler runs (guards have run: the caller is
 * authenticated and scoped), as the catalogue's page cache does: the same URL
 * always validates the same way, and only successes are kept. The handler
 * gives the body and its lifecycle headers; both are sent, with an ETag that
 * conditional-get.hooks.ts turns into a 304 for a caller that holds it.
 */
@Injectable()
export class ResolveCacheInterceptor implements NestInterceptor {
  constructor(private readonly cache: ResolveAnswerCache) {}

  intercept(context: ExecutionContext, next: CallHandler<ResolveAnswer>): Observable<Buffer> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    return from(
      this.cache
        .getOrCompute(request.url, async () => {
          const answer = await lastValueFrom(next.handle());
          return { body: encodeJson(answer.body), headers: answer.headers };
        })
        .then((answer) => {
          void reply.header('content-type', 'application/json; charset=utf-8').header('etag', answer.etag);
          for (const [name, value] of Object.entries(answer.headers)) void reply.header(name, value);
          return answer.body;
        }),
    );
  }
}

/** The answer's own buffer, outside Node's shared pool (see the catalogue's page cache). */
function encodeJson(value: unknown): Buffer {
  const text = JSON.stringify(value);
  const body = Buffer.allocUnsafeSlow(Buffer.byteLength(text));
  body.write(text);
  return body;
}
