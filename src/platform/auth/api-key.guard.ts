import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { ApiScope } from '../config/api-keys.parser';
import { ForbiddenError, UnauthorizedError } from '../errors/app.errors';
import { ApiKeyService, hasScope, type Principal } from './api-key.service';
import { PUBLIC_ROUTE, REQUIRED_SCOPES } from './auth.decorators';

/** Global guard: every route needs a valid key unless marked @Public(), and the scope it names. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;

    const request = context.switchToHttp().getRequest<FastifyRequest & { principal?: Principal }>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) throw new UnauthorizedError('Send an API key as "Authorization: Bearer <secret>"');
    const principal = await this.keys.verify(match[1]);
    if (!principal) throw new UnauthorizedError('The API key is not valid');

    const scope = this.reflector.getAllAndOverride<ApiScope | undefined>(REQUIRED_SCOPES, targets);
    if (scope && !hasScope(principal, scope)) {
      throw new ForbiddenError(`The API key '${principal.keyId}' lacks the '${scope}' scope`);
    }
    request.principal = principal;
    return true;
  }
}
