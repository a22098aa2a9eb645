import { parseImportAllowlist } from './import-allowlist.parser';

describe('IMPORT_ALLOWED_ADDRESSES parsing', () => {
  it('reads addresses, ranges and host names, each with or without a port', () => {
    expect(
      parseImportAllowlist(
        '127.0.0.1, 10.0.0.0/8, ::1, fd00::/8, 127.0.0.1:9000, 10.0.0.0/8:443, [::1]:8080, [fd00::/8]:443, files.internal:8080, minio',
      ),
    ).toEqual([
      { kind: 'address', address: '127.0.0.1', prefix: null, family: 'ipv4', port: null },
      { kind: 'address', address: '10.0.0.0', prefix: 8, family: 'ipv4', port: null },
      { kind: 'address', address: '::1', prefix: null, family: 'ipv6', port: null },
      { kind: 'address', address: 'fd00::', prefix: 8, family: 'ipv6', port: null },
      { kind: 'address', address: '127.0.0.1', prefix: null, family: 'ipv4', port: 9000 },
      { kind: 'address', address: '10.0.0.0', prefix: 8, family: 'ipv4', port: 443 },
      { kind: 'address', address: '::1', prefix: null, family: 'ipv6', port: 8080 },
      { kind: 'address', address: 'fd00::', prefix: 8, family: 'ipv6', port: 443 },
      { kind: 'host', hostname: 'files.internal', port: 8080 },
      { kind: 'host', hostname: 'minio', port: null },
    ]);
  });

  it('is empty when unset or blank', () => {
    expect(parseImportAllowlist(undefined)).toEqual([]);
    expect(parseImportAllowlist(' , ')).toEqual([]);
  });

  it.each([
    ['not an ip!', 'expected an IP address, a CIDR range or a host name'],
    ['127.0.0.1:0', 'the port must be 1 to 65535'],
    ['127.0.0.1:65536', 'the port must be 1 to 65535'],
    ['127.0.0.1:http', 'the port must be 1 to 65535'],
    ['10.0.0.0/33', 'the prefix length must be 0 to 32'],
    ['fd00::/129', 'the prefix length must be 0 to 128'],
    ['10.0.0.0/x', 'the prefix length must be 0 to 32'],
    ['[::1', 'a bracketed IPv6 address is written [address] or [address]:port'],
    ['[::1]9000', 'a bracketed IPv6 address is written [address] or [address]:port'],
    ['host/8', 'expected an IP address, a CIDR range or a host name'],
  ])('refuses %s at start, naming the entry', (entry, problem) => {
    expect(() => parseImportAllowlist(`127.0.0.1,${entry}`)).toThrow(
      `IMPORT_ALLOWED_ADDRESSES entry 2 ('${entry}'): ${problem}`,
    );
  });
});
