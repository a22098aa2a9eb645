import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request; `errors` names each field',
  401: 'Missing or invalid API key',
  403: 'The API key lacks the scope',
  404: 'Not found',
  409: 'Conflict with the current state',
  410: 'Withdrawn for good',
  422: 'Valid request the broker cannot carry out',
  501: 'The provider does not support this operation',
  502: 'The provider failed the operation',
  503: 'A dependency is unavailable',
};

/** Declares the problem+json answers of a route, so generated clients know the error shape. */
export function ApiProblemResponses(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: DESCRIPTIONS[status] ?? 'Error',
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDto' } } },
      }),
    ),
  );
}
