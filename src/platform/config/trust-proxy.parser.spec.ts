import { ConfigurationError } from './config.errors';
import { parseTrustProxy } from './trust-proxy.parser';

describe('TRUST_PROXY', () => {
  it('trusts no proxy unless told', () => {
    expect(parseTrustProxy(undefined)).toBe(false);
    expect(parseTrustProxy('')).toBe(false);
    expect(parseTrustProxy('false')).toBe(false);
    expect(parseTrustProxy('0')).toBe(false);
  });

  it('takes a hop count as trusting exactly that many hops', () => {
    const trust = parseTrustProxy('2');
    expect(typeof trust).toBe('function');
    const byHop = trust as (address: string, hop: number) => boolean;
    expect([0, 1, 2].map((hop) => byHop('198.51.100.7', hop))).toEqual([true, true, false]);
  });

  it('takes addresses, CIDRs and named ranges', () => {
    expect(parseTrustProxy('10.0.0.0/8, 192.0.2.1,::1,fd00::/8,loopback')).toEqual([
      '10.0.0.0/8',
      '192.0.2.1',
      '::1',
      'fd00::/8',
      'loopback',
    ]);
  });

  it('refuses to trust everyone, and names what it cannot read', () => {
    expect(() => parseTrustProxy('true')).toThrow(ConfigurationError);
    expect(() => parseTrustProxy('10.0.0.0/33')).toThrow("'10.0.0.0/33' is not an IP address");
    expect(() => parseTrustProxy('proxy.internal')).toThrow("'proxy.internal' is not an IP address");
    expect(() => parseTrustProxy('99')).toThrow('0 to 32');
  });
});
