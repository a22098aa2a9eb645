import { parseImportAllowlist } from '../../platform/config/import-allowlist.parser';
import { ImportUrlGuard } from './import-url.guard';

describe('the import URL guard against server-side request forgery', () => {
  const guard = new ImportUrlGuard([]);

  it.each([
    ['loopback', 'http://127.0.0.1/image.qcow2'],
    ['loopback by name', 'http://localhost:8080/image'],
    ['loopback, decimal form', 'http://2130706433/x'],
    ['"this network"', 'http://0.0.0.0/x'],
    ['"this network", not zero', 'http://0.1.2.3/x'],
    ['private 10/8', 'http://10.1.2.3/x'],
    ['private 172.16/12', 'http://172.20.0.1/x'],
    ['private 192.168/16', 'http://192.168.1.1/x'],
    ['carrier-grade NAT', 'http://100.64.0.1/x'],
    ['carrier-grade NAT, top', 'http://100.127.255.254/x'],
    ['link-local (cloud metadata)', 'http://169.254.169.254/latest/meta-data/'],
    ['IETF protocol assignments', 'http://192.0.0.8/x'],
    ['TEST-NET-1', 'http://192.0.2.10/x'],
    ['6to4 relay anycast', 'http://192.88.99.1/x'],
    ['benchmarking', 'http://198.18.0.1/x'],
    ['benchmarking, second half', 'http://198.19.255.1/x'],
    ['TEST-NET-2', 'http://198.51.100.7/x'],
    ['TEST-NET-3', 'http://203.0.113.9/x'],
    ['multicast', 'http://224.0.0.1/x'],
    ['multicast, top', 'http://239.255.255.250/x'],
    ['reserved', 'http://240.0.0.1/x'],
    ['broadcast', 'http://255.255.255.255/x'],
    ['IPv6 unspecified', 'http://[::]/x'],
    ['IPv6 loopback', 'http://[::1]/x'],
    ['IPv4-compatible loopback', 'http://[::7f00:1]/x'],
    ['IPv4-compatible loopback, dotted', 'http://[::127.0.0.1]/x'],
    ['IPv4-compatible private', 'http://[::a00:1]/x'],
    ['IPv4-mapped loopback, dotted', 'http://[::ffff:127.0.0.1]/x'],
    ['IPv4-mapped loopback, hex', 'http://[::ffff:7f00:1]/x'],
    ['IPv4-mapped metadata', 'http://[::ffff:a9fe:a9fe]/x'],
    ['IPv4-translated', 'http://[::ffff:0:7f00:1]/x'],
    ['NAT64 of loopback', 'http://[64:ff9b::7f00:1]/x'],
    ['NAT64 of a public address', 'http://[64:ff9b::808:808]/x'],
    ['local-use NAT64', 'http://[64:ff9b:1::a00:1]/x'],
    ['discard-only', 'http://[100::1]/x'],
    ['Teredo', 'http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/x'],
    ['IPv6 benchmarking', 'http://[2001:2::1]/x'],
    ['ORCHIDv2', 'http://[2001:20::1]/x'],
    ['IPv6 documentation', 'http://[2001:db8::1]/x'],
    ['IPv6 documentation, 3fff::/20', 'http://[3fff::1]/x'],
    ['6to4 of loopback', 'http://[2002:7f00:1::1]/x'],
    ['6to4 of a public address', 'http://[2002:808:808::1]/x'],
    ['segment routing', 'http://[5f00::1]/x'],
    ['unique-local', 'http://[fd00:ec2::254]/x'],
    ['unique-local fc', 'http://[fc00::1]/x'],
    ['IPv6 link-local', 'http://[fe80::1]/x'],
    ['site-local', 'http://[fec0::1]/x'],
    ['site-local, top', 'http://[feff::1]/x'],
    ['IPv6 multicast', 'http://[ff02::1]/x'],
    ['IPv6 multicast, global scope', 'http://[ff0e::1]/x'],
  ])('refuses %s: %s', async (_range, url) => {
    await expect(guard.resolve(new URL(url))).rejects.toMatchObject({ code: 'import_url_refused' });
  });

  it.each([
    ['http://93.184.216.34/x', '93.184.216.34', 4],
    ['https://8.8.8.8/x', '8.8.8.8', 4],
    ['http://1.1.1.1/x', '1.1.1.1', 4],
    ['http://100.128.0.1/x', '100.128.0.1', 4],
    ['http://198.20.0.1/x', '198.20.0.1', 4],
    ['http://223.255.255.1/x', '223.255.255.1', 4],
    ['http://[2606:4700:4700::1111]/x', '2606:4700:4700::1111', 6],
    ['http://[2a00:1450:4001:82a::200e]/x', '2a00:1450:4001:82a::200e', 6],
    ['http://[::ffff:808:808]/x', '::ffff:808:808', 6],
  ])('lets the public address of %s through', async (url, address, family) => {
    await expect(guard.resolve(new URL(url))).resolves.toEqual({ address, family });
  });

  it('names the address, its range and the port in the refusal', async () => {
    await expect(guard.resolve(new URL('http://[::7f00:1]:6379/x'))).rejects.toThrow(
      '::7f00:1 is in ::/96 (IPv4-compatible), refused on port 6379',
    );
  });

  it('refuses schemes other than http and https', async () => {
    await expect(guard.resolve(new URL('file:///etc/passwd'))).rejects.toMatchObject({ code: 'import_url_refused' });
  });

  it('lets through a special address the allowlist names, on any port or only on its port', async () => {
    const allowing = new ImportUrlGuard(
      parseImportAllowlist('127.0.0.1, 10.0.0.0/8:443, [fd00::5]:9000, 192.168.5.5:80'),
    );
    await expect(allowing.resolve(new URL('http://127.0.0.1:9000/x'))).resolves.toMatchObject({ address: '127.0.0.1' });
    await expect(allowing.resolve(new URL('http://[::ffff:127.0.0.1]:9000/x'))).resolves.toMatchObject({
      address: '::ffff:7f00:1',
    });
    await expect(allowing.resolve(new URL('https://10.9.9.9/x'))).resolves.toMatchObject({ address: '10.9.9.9' });
    await expect(allowing.resolve(new URL('http://10.9.9.9:443/x'))).resolves.toMatchObject({ address: '10.9.9.9' });
    await expect(allowing.resolve(new URL('http://10.9.9.9/x'))).rejects.toMatchObject({ code: 'import_url_refused' });
    await expect(allowing.resolve(new URL('http://[fd00::5]:9000/x'))).resolves.toMatchObject({ address: 'fd00::5' });
    await expect(allowing.resolve(new URL('http://[fd00::5]:9001/x'))).rejects.toMatchObject({
      code: 'import_url_refused',
    });
    // The default port counts: http:// is port 80.
    await expect(allowing.resolve(new URL('http://192.168.5.5/x'))).resolves.toMatchObject({ address: '192.168.5.5' });
    await expect(allowing.resolve(new URL('http://192.168.0.1/x'))).rejects.toMatchObject({
      code: 'import_url_refused',
    });
  });

  it('opens one local service with host:port, not Redis and PostgreSQL on the same host', async () => {
    const allowing = new ImportUrlGuard(parseImportAllowlist('127.0.0.1:9000'));
    await expect(allowing.resolve(new URL('http://127.0.0.1:9000/x'))).resolves.toMatchObject({ address: '127.0.0.1' });
    for (const port of [6379, 5432, 80]) {
      await expect(allowing.resolve(new URL(`http://127.0.0.1:${port}/x`))).rejects.toMatchObject({
        code: 'import_url_refused',
      });
    }
  });

  it('allows a host named in the allowlist whatever it resolves to, on its port only', async () => {
    const allowing = new ImportUrlGuard(parseImportAllowlist('localhost:9000'));
    await expect(allowing.resolve(new URL('http://localhost:9000/x'))).resolves.toMatchObject({});
    await expect(allowing.resolve(new URL('http://localhost:6379/x'))).rejects.toMatchObject({
      code: 'import_url_refused',
    });
    await expect(allowing.resolve(new URL('http://127.0.0.1:9000/x'))).rejects.toMatchObject({
      code: 'import_url_refused',
    });
  });
});
