import { providerOperationLabel } from './provider-operation-label';

describe('provider operation labels', () => {
  it('names a call by its method and path with identifiers as {id}', () => {
    expect(providerOperationLabel('PUT', '/v2/images/1bea47ed-f6a9-463b-b423-14b9cca9ad27/file')).toBe(
      'PUT /v2/images/{id}/file',
    );
    expect(providerOperationLabel('GET', '/v2/images')).toBe('GET /v2/images');
    expect(providerOperationLabel('GET', '/api/v1/vpc/0f6c1f2e3b4a4d5e8f90123456789abc/images/42')).toBe(
      'GET /api/v1/vpc/{id}/images/{id}',
    );
  });

  it('keeps word segments and short names, so kinds of calls stay apart', () => {
    expect(providerOperationLabel('POST', '/v3/auth/tokens')).toBe('POST /v3/auth/tokens');
    expect(providerOperationLabel('POST', '/compute/v1/images/presign-urls')).toBe(
      'POST /compute/v1/images/presign-urls',
    );
  });
});
