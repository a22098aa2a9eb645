import { isTransient } from '../platform/errors/broker-error';
import { ProviderUnavailableError } from '../platform/errors/provider.errors';
import { toProblem } from '../platform/errors/problem-mapper';
import { JobCancelledError, PermanentJobError, TransientJobError } from './job-errors';
import { publicJobError } from './public-job-error';

describe('job errors', () => {
  it('retries a transient failure and fails a permanent one at once, from the same flag as the API', () => {
    expect(isTransient(new TransientJobError('import_source_unavailable', 'the source answered 503'))).toBe(true);
    expect(isTransient(new ProviderUnavailableError('p', 'down', 503))).toBe(true);
    expect(isTransient(new PermanentJobError('image_not_found', 'Image x no longer exists'))).toBe(false);
    expect(isTransient(new JobCancelledError())).toBe(false);
  });

  it('keeps its code and message on the job row', () => {
    expect(publicJobError(new TransientJobError('import_source_unavailable', 'the source answered 503'))).toEqual({
      code: 'import_source_unavailable',
      message: 'the source answered 503',
      internal: false,
    });
    expect(publicJobError(new JobCancelledError())).toMatchObject({ code: 'cancelled', internal: false });
  });

  it('is the generic 500 should one reach the API', () => {
    expect(toProblem(new PermanentJobError('image_not_found', 'Image x no longer exists'))).toMatchObject({
      status: 500,
      type: 'https://image-broker.dev/problems/internal-error',
      detail: 'An unexpected error occurred; it has been logged.',
    });
  });
});
