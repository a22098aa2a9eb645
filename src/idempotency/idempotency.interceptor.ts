import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { from, lastValueFrom, type Observable } from 'rxjs';
import type { Principal } from '../auth/api-key.service';
import { BadRequestError, ConflictError, UnprocessableError } from '../errors/app.errors';
import type { Prisma } from '../persistence/generated/client';
import { PrismaService } from '../persistence/prisma.service';

const HEADER = 'idempotency-key';
/** Nest's metadata key for @HttpCode(). */
const HTTP_CODE_METADATA = '__httpCode__';
const IN_PROGRESS = 0;

/**
 * `Idempotency-Key` on every POST: the first answer is stored per API key and
 * replayed for a retry with the same body; the same key with another body is a
 * 422; a retry while the first is still running is a 409. Records live in
 * PostgreSQL, so the guarantee holds across API replicas.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly prisma: PrismaService,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest & { principal?: Principal }>();
    const key = request.headers[HEADER];
    if (request.method !== 'POST' || key === undefined) return next.handle();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const status = this.reflector.get<number>(HTTP_CODE_METADATA, context.getHandler()) ?? 201;
    return from(this.run(String(key), request, reply, status, () => lastValueFrom(next.handle())));
  }

  private async run(
    key: string,
    request: FastifyRequest & { principal?: Principal },
    reply: FastifyReply,
    status: number,
    handle: () => Promise<unknown>,
  ): Promise<unknown> {
    if (key.length === 0 || key.length > 255) {
      throw new BadRequestError('Idempotency-Key must be 1 to 255 characters', [
        { field: 'Idempotency-Key', message: 'must be 1 to 255 characters' },
      ]);
    }
    const keyId = request.principal?.keyId ?? 'anonymous';
    const route = `${request.method} ${request.url}`;
    const requestHash = createHash('sha256')
      .update(route)
      .update('\n')
      .update(JSON.stringify(request.body ?? null))
      .digest('hex');

    const claimed = await this.prisma.idempotencyRecord.createMany({
      data: [{ keyId, key, route, requestHash, status: IN_PROGRESS, body: {} }],
      skipDuplicates: true,
    });
    if (claimed.count === 0) return this.replay(keyId, key, requestHash, reply);

    try {
      const body = await handle();
      await this.prisma.idempotencyRecord.update({
        where: { keyId_key: { keyId, key } },
        data: {
          status: reply.statusCode >= 200 && reply.statusCode < 300 ? reply.statusCode : status,
          body: { body: body ?? null, location: headerOf(reply, 'location') } as Prisma.InputJsonValue,
        },
      });
      return body;
    } catch (error) {
      // A failed request did nothing durable to remember: the same key may try again.
      await this.prisma.idempotencyRecord.delete({ where: { keyId_key: { keyId, key } } }).catch(() => undefined);
      throw error;
    }
  }

  private async replay(keyId: string, key: string, requestHash: string, reply: FastifyReply): Promise<unknown> {
    const record = await this.prisma.idempotencyRecord.findUnique({ where: { keyId_key: { keyId, key } } });
    if (!record) throw new ConflictError('A request with this Idempotency-Key has just failed; retry it');
    if (record.requestHash !== requestHash) {
      throw new UnprocessableError('This Idempotency-Key was used with another request body', [
        { field: 'Idempotency-Key', message: 'already used for a different request; use a new key' },
      ]);
    }
    if (record.status === IN_PROGRESS) {
      throw new ConflictError('A request with this Idempotency-Key is still being processed; retry later');
    }
    const stored = record.body as { body: unknown; location: string | null };
    void reply.status(record.status).header('Idempotent-Replayed', 'true');
    if (stored.location) void reply.header('Location', stored.location);
    return stored.body;
  }
}

function headerOf(reply: FastifyReply, name: string): string | null {
  const value = reply.getHeader(name);
  return typeof value === 'string' ? value : null;
}
