import { isIP } from 'node:net';
import { ConfigurationError } from './config.errors';

/**
 * Fastify's `trustProxy` for TRUST_PROXY: nothing trusted, the proxies'
 * addresses, or (a hop count) a function trusting the first n hops, the form
 * Fastify's types take a count in.
 */
export type TrustProxy = false | string[] | ((address: string, hop: number) => boolean);

/** Names proxy-addr (Fastify's resolver) knows for well-known ranges. */
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * TRUST_PROXY: which hops may set X-Forwarded-For (and so the client address
 * the rate limit counts by). Unset or `false`: none, the peer is the client.
 * A number: that many proxies in front of the broker. Otherwise
 * comma-separated addresses, CIDRs or `loopback`/`linklocal`/`uniquelocal`.
 * `true` (trust every hop) is refused: anyone could then choose their address.
 */
export function parseTrustProxy(value: string | undefined): TrustProxy {
  const text = (value ?? '').trim();
  if (text === '' || text === 'false') return false;
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops > 32) throw new ConfigurationError('TRUST_PROXY: a hop count must be 0 to 32');
    return hops === 0 ? false : (_address: string, hop: number) => hop < hops;
  }
  if (text === 'true') {
    throw new ConfigurationError(
      'TRUST_PROXY=true would trust X-Forwarded-For from anyone; name the proxies (addresses or CIDRs) or their hop count',
    );
  }
  const entries = text.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    if (!NAMED_RANGES.has(entry) && !isAddressOrCidr(entry)) {
      throw new ConfigurationError(
        `TRUST_PROXY: '${entry.slice(0, 64)}' is not an IP address, a CIDR, loopback, linklocal or uniquelocal`,
      );
    }
  }
  return entries;
}

function isAddressOrCidr(entry: string): boolean {
  const slash = entry.indexOf('/');
  if (slash < 0) return isIP(entry) !== 0;
  const family = isIP(entry.slice(0, slash));
  const prefix = entry.slice(slash + 1);
  if (family === 0 || !/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}
