import {
  Injectable,
  Logger,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
  type Type,
} from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash, randomUUID } from 'node:crypto';
import { from, lastValueFrom, type Observable } from 'rxjs';
import type { Principal } from '../auth/api-key.service';
import { AppConfig } from '../config/app-config';
import { BadRequestError, ConflictError, UnprocessableError } from '../errors/app.errors';
import type { Prisma } from '../persistence/generated/client';
import { PrismaService } from '../persistence/prisma.service';
import { NotJsonError, writeCanonicalJson } from './canonical-json';
import { REPLAYED_BY, type ReplayableAnswer } from './replayed-by';

const HEADER = 'idempotency-key';
/** Nest's metadata key for @HttpCode(). */
const HTTP_CODE_METADATA = '__httpCode__';
const IN_PROGRESS = 0;
/** How long a running request holds its key without renewing; a process that died frees it this long after. */
export const IDEMPOTENCY_LEASE_MS = 30_000;
/** A running request renews its lease this often, well inside the lease. */
const RENEW_EVERY_MS = 10_000;
/** Expired records deleted per new key: more than one, so the purge outpaces the inserts. */
const PURGE_BATCH = 100;

/**
 * `Idempotency-Key` on every POST: the first answer is stored per API key and
 * replayed for a retry with the same body (compared canonically: key order
 * does not matter); the same key with another body is a 422; a retry while
 * the first is still running is a 409. Records live in PostgreSQL, so the
 * guarantee holds across API replicas, and expire after IDEMPOTENCY_TTL_HOURS:
 * an expired key is a new request. A running request holds a lease it renews;
 * if its process dies the lease lapses and the next request with the key
 * takes it over. Every new key deletes a bounded batch of expired records, so
 * cleaning up needs no timer and is safe on any number of replicas.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger(IdempotencyInterceptor.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly reflector: Reflector,
    private readonly config: AppConfig,
    private readonly modules: ModuleRef,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest & { principal?: Principal }>();
    const key = request.headers[HEADER];
    if (request.method !== 'POST' || key === undefined) return next.handle();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const status = this.reflector.get<number>(HTTP_CODE_METADATA, context.getHandler()) ?? 201;
    const replayedBy = this.reflector.get<Type<ReplayableAnswer> | undefined>(REPLAYED_BY, context.getHandler());
    const answers = replayedBy ? this.modules.get(replayedBy, { strict: false }) : null;
    return from(this.run(String(key), request, reply, status, answers, () => lastValueFrom(next.handle())));
  }

  private async run(
    key: string,
    request: FastifyRequest & { principal?: Principal },
    reply: FastifyReply,
    status: number,
    answers: ReplayableAnswer | null,
    handle: () => Promise<unknown>,
  ): Promise<unknown> {
    if (key.length === 0 || key.length > 255) {
      throw new BadRequestError('Idempotency-Key must be 1 to 255 characters', [
        { field: 'Idempotency-Key', message: 'must be 1 to 255 characters' },
      ]);
    }
    const keyId = request.principal?.keyId ?? 'anonymous';
    const route = `${request.method} ${request.url}`;
    let requestHash: string;
    try {
      requestHash = idempotencyRequestHash(route, request.body);
    } catch (error) {
      if (!(error instanceof NotJsonError)) throw error;
      throw new BadRequestError('Idempotency-Key is taken on JSON request bodies only', [
        { field: 'Idempotency-Key', message: 'this request has no JSON body to compare retries by' },
      ]);
    }

    const token = await this.claim(keyId, key, route, requestHash);
    if (!token) return this.replay(keyId, key, requestHash, reply, answers);
    void this.purgeExpired();

    const renewal = setInterval(() => void this.renew(keyId, key, token), RENEW_EVERY_MS);
    renewal.unref();
    try {
      const body = await handle();
      const stored = answers ? answers.toStored(body) : body;
      await this.prisma.idempotencyRecord.updateMany({
        where: { keyId, key, leaseToken: token },
        data: {
          status: reply.statusCode >= 200 && reply.statusCode < 300 ? reply.statusCode : status,
          body: { body: stored ?? null, location: headerOf(reply, 'location') } as Prisma.InputJsonValue,
          leaseExpiresAt: null,
        },
      });
      return body;
    } catch (error) {
      // A failed request did nothing durable to remember: the same key may try again.
      await this.prisma.idempotencyRecord
        .deleteMany({ where: { keyId, key, leaseToken: token } })
        .catch(() => undefined);
      throw error;
    } finally {
      clearInterval(renewal);
    }
  }

  /**
   * Claims the key in one statement (so two replicas never both win): a new
   * record, or one whose time is up: expired past the TTL, or still running
   * under a lease nobody renewed. Returns the claim's token, or null when
   * the record belongs to another request. Times are PostgreSQL's, one clock
   * for every replica.
   */
  private async claim(keyId: string, key: string, route: string, requestHash: string): Promise<string | null> {
    const token = randomUUID();
    const rows = await this.prisma.$queryRaw<Array<{ lease_token: string }>>`
      INSERT INTO idempotency_records
        (key_id, key, route, request_hash, status, body, created_at, lease_expires_at, lease_token)
      VALUES (${keyId}, ${key}, ${route}, ${requestHash}, ${IN_PROGRESS}, '{}'::jsonb, now(),
              now() + ${IDEMPOTENCY_LEASE_MS} * interval '1 millisecond', ${token}::uuid)
      ON CONFLICT (key_id, key) DO UPDATE SET
        route = EXCLUDED.route, request_hash = EXCLUDED.request_hash, status = EXCLUDED.status,
        body = EXCLUDED.body, created_at = EXCLUDED.created_at,
        lease_expires_at = EXCLUDED.lease_expires_at, lease_token = EXCLUDED.lease_token
      WHERE idempotency_records.created_at < now() - ${this.config.idempotencyTtlSeconds} * interval '1 second'
         OR (idempotency_records.status = ${IN_PROGRESS}
             -- records written before leases existed: their request had a lease's worth of time, ten times over
             AND COALESCE(idempotency_records.lease_expires_at,
                          idempotency_records.created_at + ${IDEMPOTENCY_LEASE_MS * 10} * interval '1 millisecond') < now())
      RETURNING lease_token::text AS lease_token`;
    return rows.length === 1 ? token : null;
  }

  private async renew(keyId: string, key: string, token: string): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE idempotency_records
         SET lease_expires_at = now() + ${IDEMPOTENCY_LEASE_MS} * interval '1 millisecond'
       WHERE key_id = ${keyId} AND key = ${key} AND lease_token = ${token}::uuid AND status = ${IN_PROGRESS}`.catch(
      (error: unknown) => this.logger.warn(`Idempotency-Key lease not renewed: ${(error as Error).message}`),
    );
  }

  /** Deletes a bounded batch of expired records; rows another replica is deleting are skipped, not waited for. */
  private async purgeExpired(): Promise<void> {
    await this.prisma.$executeRaw`
      DELETE FROM idempotency_records WHERE (key_id, key) IN (
        SELECT key_id, key FROM idempotency_records
         WHERE created_at < now() - ${this.config.idempotencyTtlSeconds} * interval '1 second'
         ORDER BY created_at LIMIT ${PURGE_BATCH}
         FOR UPDATE SKIP LOCKED)`.catch((error: unknown) =>
      this.logger.warn(`expired Idempotency-Key records not purged: ${(error as Error).message}`),
    );
  }

  private async replay(
    keyId: string,
    key: string,
    requestHash: string,
    reply: FastifyReply,
    answers: ReplayableAnswer | null,
  ): Promise<unknown> {
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
    const body = answers ? await answers.fromStored(stored.body) : stored.body;
    void reply.status(record.status).header('Idempotent-Replayed', 'true');
    if (stored.location) void reply.header('Location', stored.location);
    return body;
  }
}

/** The fingerprint a retry must match: the route and the body in canonical form. */
export function idempotencyRequestHash(route: string, body: unknown): string {
  const hash = createHash('sha256').update(route).update('\n');
  writeCanonicalJson(body ?? null, (text) => hash.update(text));
  return hash.digest('hex');
}

function headerOf(reply: FastifyReply, name: string): string | null {
  const value = reply.getHeader(name);
  return typeof value === 'string' ? value : null;
}
