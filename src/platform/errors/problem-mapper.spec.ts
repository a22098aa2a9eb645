import {
  CredentialsUnreadableError,
  IntegrityError,
  OperationNotSupportedError,
  ProviderAuthError,
  ProviderNotFoundError,
  ProviderProtocolError,
  ProviderRejectedError,
  ProviderUnavailableError,
} from './provider.errors';
import { BadRequestError, NotFoundError } from './app.errors';
import { toProblem } from './problem-mapper';

describe('problem+json mapping', () => {
  it('answers 501 naming the provider and the operation it lacks', () => {
    expect(toProblem(new OperationNotSupportedError('genesis', 'genesis-cloud', 'upload'))).toEqual({
      type: 'https://image-broker.dev/problems/operation-not-supported',
      title: 'Operation not supported by this provider',
      status: 501,
      detail: "Provider 'genesis' (genesis-cloud) does not support the 'upload' operation",
      provider: 'genesis',
      code: 'operation_not_supported',
      operation: 'upload',
    });
  });

  it('keeps the field list of a validation error', () => {
    const problem = toProblem(
      new BadRequestError('limit too big', [{ field: 'limit', message: 'limit must not be greater than 500' }]),
    );
    expect(problem).toMatchObject({
      status: 400,
      errors: [{ field: 'limit', message: 'limit must not be greater than 500' }],
    });
  });

  it.each([
    [new ProviderNotFoundError('p', 'gone', 404), 404],
    [new ProviderRejectedError('p', 'conflict', 409), 409],
    [new ProviderRejectedError('p', 'bad', 400), 422],
    [new ProviderAuthError('p', 'denied', 401), 502],
    [new ProviderProtocolError('p', 'garbled'), 502],
    [new ProviderUnavailableError('p', 'down', 503), 503],
    [new NotFoundError('nothing'), 404],
  ])('maps %p to HTTP %i', (error, status) => {
    const problem = toProblem(error);
    expect(problem.status).toBe(status);
    expect(problem.detail).toBe(error.message);
  });

  it('hides the details of an unexpected error behind a 500', () => {
    const problem = toProblem(new Error('password=hunter2 leaked in a stack'));
    expect(problem).toMatchObject({ status: 500, type: 'https://image-broker.dev/problems/internal-error' });
    expect(JSON.stringify(problem)).not.toContain('hunter2');
  });
});

describe('internal errors never reach a response body', () => {
  const prismaLike = Object.assign(
    new Error(
      'Invalid `prisma.image.create()` invocation in /app/dist/src/catalogue/catalogue-writer.service.js:42:7\n' +
        'invalid byte sequence for encoding "UTF8": 0x00',
    ),
    { name: 'PrismaClientKnownRequestError', code: 'P2000', clientVersion: '7.10.1', meta: { target: 'images' } },
  );
  const pgLike = Object.assign(new Error('unsupported Unicode escape sequence'), {
    code: '22P05',
    severity: 'ERROR',
    where: 'JSON data, line 1: "\\ud800',
  });
  const serverSide = Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { statusCode: 503 });

  it.each([
    ['a Prisma error', prismaLike],
    ['a PostgreSQL error', pgLike],
    ['an error carrying a 5xx status', serverSide],
    ['a thrown string', 'SELECT * FROM api_keys'],
  ])('answers %s with the generic 500 only', (_what, error) => {
    const problem = toProblem(error);
    expect(problem).toEqual({
      type: 'https://image-broker.dev/problems/internal-error',
      title: 'Internal server error',
      status: 500,
      detail: 'An unexpected error occurred; it has been logged.',
    });
  });
});

describe('provider errors answered as the provider-unavailable problem', () => {
  it.each([
    ['an integrity error', new IntegrityError('p', 'sha256 differs'), 'checksum_mismatch'],
    [
      'unreadable credentials',
      new CredentialsUnreadableError('p', 'sealed under another key'),
      'credentials_unreadable',
    ],
  ])('answers %s with 503, its code telling it apart', (_what, error, code) => {
    expect(toProblem(error)).toEqual({
      type: 'https://image-broker.dev/problems/provider-unavailable',
      title: 'Provider unavailable',
      status: 503,
      detail: error.message,
      provider: 'p',
      code,
    });
  });
});
