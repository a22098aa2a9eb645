import { CONNECTION_LIMITS } from './provider-connection.dto';
import { validateProviderConnection } from './provider-connection.validator';
import { PROVIDER_KINDS } from '../kinds/provider-kinds';

describe('the length caps of a provider connection', () => {
  const nscale = {
    name: 'nscale-eu',
    kind: 'nscale',
    endpoint: 'https://region.nks.europe-west4.nscale.com',
    regions: ['2b3a9b56-4c2f-4a6b-9a55-7a8e4c1b9d01'],
    organizationId: '9f1c2d3e-aaaa-bbbb-cccc-0123456789ab',
    auth: { type: 'bearer', token: 'a-real-token' },
  };

  function fieldsRefused(raw: unknown): string[] {
    const result = validateProviderConnection(raw, PROVIDER_KINDS);
    return result.ok ? [] : result.problems.map((p) => p.field);
  }

  it('takes a connection within every cap', () => {
    expect(fieldsRefused(nscale)).toEqual([]);
  });

  it('refuses each field over its cap, naming it, whether it comes from the file or the API', () => {
    const long = (n: number) => 'a'.repeat(n + 1);
    expect(
      fieldsRefused({
        ...nscale,
        endpoint: `https://example.com/${long(CONNECTION_LIMITS.url)}`,
        organizationId: long(CONNECTION_LIMITS.text),
        regions: Array.from({ length: CONNECTION_LIMITS.regions + 1 }, (_, i) => `r${i}`),
        auth: { type: 'bearer', token: long(CONNECTION_LIMITS.secret) },
      }).sort(),
    ).toEqual(['auth.token', 'endpoint', 'organizationId', 'regions']);
    expect(fieldsRefused({ ...nscale, regions: [long(CONNECTION_LIMITS.text)] })).toEqual(['regions']);
  });
});
