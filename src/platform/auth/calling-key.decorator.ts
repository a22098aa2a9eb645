import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Principal } from './api-key.service';

/**
 * The id of the API key that made the request (set by ApiKeyGuard), for
 * records that say who did something: a channel move's `by`, a version's
 * publisher. Only on routes that need a key.
 */
export const CallingKey = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const request = context.switchToHttp().getRequest<FastifyRequest & { principal?: Principal }>();
  return request.principal?.keyId ?? 'anonymous';
});
