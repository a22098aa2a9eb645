import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Principal } from './api-key.service';

/** The id of the API key that made the request (ApiKeyGuard set it), or null on a public route: who published, who moved. */
export const CallerKeyId = createParamDecorator((_data: unknown, context: ExecutionContext): string | null => {
  const request = context.switchToHttp().getRequest<FastifyRequest & { principal?: Principal }>();
  return request.principal?.keyId ?? null;
});
