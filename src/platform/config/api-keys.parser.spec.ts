import { parseApiKeys } from './api-keys.parser';

describe('API_KEYS parsing', () => {
  it('reads keyId:secret:scope+scope entries whose scopes hold colons', () => {
    expect(parseApiKeys('ci:0123456789abcdef0123:images:read+jobs:write, ops:fedcba9876543210fedc:admin')).toEqual([
      { id: 'ci', secret: '0123456789abcdef0123', scopes: ['images:read', 'jobs:write'] },
      { id: 'ops', secret: 'fedcba9876543210fedc', scopes: ['admin'] },
    ]);
  });

  it('is empty when the variable is unset', () => {
    expect(parseApiKeys(undefined)).toEqual([]);
  });

  it('names the entry and the problem: unknown scope, short secret, duplicate id, missing part', () => {
    expect(() => parseApiKeys('a:0123456789abcdef:images:delete')).toThrow(
      "API_KEYS entry 1 (a): unknown scope 'images:delete'",
    );
    expect(() => parseApiKeys('a:short:admin')).toThrow('API_KEYS entry 1 (a): secret must be at least 16 characters');
    expect(() => parseApiKeys('a:0123456789abcdef:admin,a:0123456789abcdef:admin')).toThrow(
      "API_KEYS entry 2: keyId 'a' appears twice",
    );
    expect(() => parseApiKeys('lonely')).toThrow('API_KEYS entry 1: expected keyId:secret:scope+scope');
  });
});
