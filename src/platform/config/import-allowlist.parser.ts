import { isIP } from 'node:net';
import { ConfigurationError } from './config.errors';

/**
 * One entry of IMPORT_ALLOWED_ADDRESSES: an address, a CIDR range or a host
 * name, and the one port it opens (null: every port). A port keeps "allow the
 * local file server" from also opening Redis and PostgreSQL on that host.
 */
export type ImportAllowRule =
  | { kind: 'address'; address: string; prefix: number | null; family: 'ipv4' | 'ipv6'; port: number | null }
  | { kind: 'host'; hostname: string; port: number | null };

const HOSTNAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/**
 * Parses IMPORT_ALLOWED_ADDRESSES, comma-separated. Each entry is
 * `ADDRESS`, `ADDRESS/PREFIX`, `HOST` or any of those with `:PORT`; an IPv6
 * address takes a port only in brackets (`[fd00::5]:9000`, `[fd00::/8]:443`),
 * since an unbracketed one is all colons.
 */
export function parseImportAllowlist(value: string | undefined): ImportAllowRule[] {
  return (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry, index) => parseEntry(entry, `IMPORT_ALLOWED_ADDRESSES entry ${index + 1} ('${entry}')`));
}

function parseEntry(entry: string, where: string): ImportAllowRule {
  const { host, port } = splitPort(entry, where);
  const slash = host.indexOf('/');
  const address = slash < 0 ? host : host.slice(0, slash);
  const version = isIP(address);
  if (version !== 0) {
    const family = version === 4 ? 'ipv4' : 'ipv6';
    const prefix = slash < 0 ? null : parsePrefix(host.slice(slash + 1), version === 4 ? 32 : 128, where);
    return { kind: 'address', address, prefix, family, port };
  }
  if (slash < 0 && HOSTNAME.test(host)) return { kind: 'host', hostname: host.toLowerCase(), port };
  throw new ConfigurationError(
    `${where}: expected an IP address, a CIDR range or a host name, each optionally with :port ` +
      '(an IPv6 address with a port in brackets: [::1]:9000)',
  );
}

function splitPort(entry: string, where: string): { host: string; port: number | null } {
  if (entry.startsWith('[')) {
    const close = entry.indexOf(']');
    const rest = close < 0 ? '' : entry.slice(close + 1);
    if (close < 0 || (rest !== '' && !rest.startsWith(':'))) {
      throw new ConfigurationError(`${where}: a bracketed IPv6 address is written [address] or [address]:port`);
    }
    return { host: entry.slice(1, close), port: rest === '' ? null : parsePort(rest.slice(1), where) };
  }
  const colon = entry.lastIndexOf(':');
  // More than one colon and no brackets: an IPv6 address (or range) without a port.
  if (colon < 0 || entry.indexOf(':') !== colon) return { host: entry, port: null };
  return { host: entry.slice(0, colon), port: parsePort(entry.slice(colon + 1), where) };
}

function parsePort(text: string, where: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 1 && port <= 65535)) throw new ConfigurationError(`${where}: the port must be 1 to 65535`);
  return port;
}

function parsePrefix(text: string, max: number, where: string): number {
  const prefix = /^\d{1,3}$/.test(text) ? Number(text) : NaN;
  if (!(prefix >= 0 && prefix <= max)) throw new ConfigurationError(`${where}: the prefix length must be 0 to ${max}`);
  return prefix;
}
