/**
 * Every range an import must not reach unless IMPORT_ALLOWED_ADDRESSES names
 * it: the IANA special-purpose registries (IPv4 and IPv6) and the ranges that
 * carry an IPv4 address inside IPv6 (compatible, NAT64, 6to4, Teredo), since
 * those reach loopback or private hosts through a translator. A table, not
 * parsing: node:net's BlockList matches addresses against it, and matches an
 * IPv4-mapped IPv6 address (`::ffff:7f00:1`, `::ffff:127.0.0.1`) against the
 * IPv4 rows by itself.
 */
export interface SpecialRange {
  network: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
  /** Said in the refusal. */
  what: string;
}

const v4 = (network: string, prefix: number, what: string): SpecialRange => ({ network, prefix, family: 'ipv4', what });
const v6 = (network: string, prefix: number, what: string): SpecialRange => ({ network, prefix, family: 'ipv6', what });

export const SPECIAL_RANGES: readonly SpecialRange[] = [
  v4('0.0.0.0', 8, '"this network" (0.0.0.0 reaches the local host)'),
  v4('10.0.0.0', 8, 'private'),
  v4('100.64.0.0', 10, 'carrier-grade NAT'),
  v4('127.0.0.0', 8, 'loopback'),
  v4('169.254.0.0', 16, 'link-local (cloud metadata)'),
  v4('172.16.0.0', 12, 'private'),
  v4('192.0.0.0', 24, 'IETF protocol assignment'),
  v4('192.0.2.0', 24, 'documentation'),
  v4('192.88.99.0', 24, '6to4 relay anycast'),
  v4('192.168.0.0', 16, 'private'),
  v4('198.18.0.0', 15, 'benchmarking'),
  v4('198.51.100.0', 24, 'documentation'),
  v4('203.0.113.0', 24, 'documentation'),
  v4('224.0.0.0', 4, 'multicast'),
  // Includes the limited broadcast address 255.255.255.255.
  v4('240.0.0.0', 4, 'reserved or broadcast'),
  v6('::', 128, 'unspecified'),
  v6('::1', 128, 'loopback'),
  // ::a.b.c.d, the deprecated IPv4-compatible form: ::7f00:1 is 127.0.0.1.
  v6('::', 96, 'IPv4-compatible'),
  v6('::ffff:0:0:0', 96, 'IPv4-translated'),
  v6('64:ff9b::', 96, 'NAT64'),
  v6('64:ff9b:1::', 48, 'local-use NAT64'),
  v6('100::', 64, 'discard-only'),
  // Teredo (2001::/32), benchmarking, ORCHID and the other IETF protocol assignments.
  v6('2001::', 23, 'IETF protocol assignment (Teredo, benchmarking, ORCHID)'),
  v6('2001:db8::', 32, 'documentation'),
  v6('2002::', 16, '6to4'),
  v6('3fff::', 20, 'documentation'),
  v6('5f00::', 16, 'segment routing'),
  v6('fc00::', 7, 'unique-local'),
  v6('fe80::', 10, 'link-local'),
  v6('fec0::', 10, 'site-local'),
  v6('ff00::', 8, 'multicast'),
];
