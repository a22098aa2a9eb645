import { Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerException,
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import { PUBLIC_ROUTE } from '../auth/auth.decorators';
import type { Principal } from '../auth/api-key.service';
import { ApiKeyService } from '../auth/api-key.service';

/**
 * Limits requests per API key. The key is resolved here (through the key
 * service's cache) rather than read from the auth guard's result, so the
 * limit holds whichever global guard runs first; requests with no valid key
 * are counted per client address. Public routes (probes, metrics, the spec)
 * are never limited.
 */
@Injectable()
export class ApiKeyThrottlerGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly keys: ApiKeyService,
  ) {
    super(options, storage, reflector);
  }

  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [context.getHandler(), context.getClass()]) === true;
  }

  protected override async getTracker(request: Record<string, unknown>): Promise<string> {
    const principal = request.principal as Principal | undefined;
    if (principal) return `key:${principal.keyId}`;
    const header = (request.headers as Record<string, unknown> | undefined)?.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    const verified = match ? await this.keys.verify(match[1]) : null;
    return verified ? `key:${verified.keyId}` : `address:${String(request.ip)}`;
  }

  protected override async throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const seconds = detail.timeToBlockExpire;
    throw new ThrottlerException(
      `Rate limit of ${detail.limit} requests per ${Math.round(detail.ttl / 1000)} s reached; retry in ${seconds} s`,
    );
  }
}
