import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { PermanentJobError } from '../../jobs/job-handler';

/** Ranges an import must not reach: loopback, private, carrier NAT, link-local (cloud metadata), unique-local. */
const FORBIDDEN: Array<[string, number, 'ipv4' | 'ipv6']> = [
  ['0.0.0.0', 8, 'ipv4'],
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['::', 128, 'ipv6'],
  ['::1', 128, 'ipv6'],
  ['fc00::', 7, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
];

export interface ResolvedTarget {
  address: string;
  family: 4 | 6;
}

/**
 * Server-side request forgery guard for imports: every address a host name
 * resolves to must be public unless the allowlist names it, and the
 * connection is then pinned to the checked address, so a DNS answer that
 * changes between check and connect cannot slip through.
 */
export class ImportUrlGuard {
  private readonly forbidden = new BlockList();
  private readonly allowed = new BlockList();

  constructor(allowlist: readonly string[]) {
    for (const [network, prefix, type] of FORBIDDEN) this.forbidden.addSubnet(network, prefix, type);
    for (const entry of allowlist) {
      const [address, prefix] = entry.split('/');
      const version = isIP(address);
      if (version === 0) throw new Error(`IMPORT_ALLOWED_ADDRESSES: '${entry}' is not an IP address or CIDR`);
      const type = version === 4 ? 'ipv4' : 'ipv6';
      if (prefix === undefined) this.allowed.addAddress(address, type);
      else this.allowed.addSubnet(address, Number(prefix), type);
    }
  }

  async resolve(url: URL): Promise<ResolvedTarget> {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new PermanentJobError(
        'import_url_refused',
        `Only http and https URLs can be imported, not ${url.protocol}`,
      );
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const answers = isIP(host)
      ? [{ address: host, family: isIP(host) }]
      : await lookup(host, { all: true, verbatim: true }).catch(() => []);
    if (answers.length === 0)
      throw new PermanentJobError('import_url_unresolvable', `${url.hostname} does not resolve`);
    for (const answer of answers) {
      if (!this.permits(answer.address, answer.family === 6 ? 'ipv6' : 'ipv4')) {
        throw new PermanentJobError(
          'import_url_refused',
          `${url.hostname} resolves to ${answer.address}, a loopback, private, link-local or metadata address; ` +
            'allow it with IMPORT_ALLOWED_ADDRESSES if intended',
        );
      }
    }
    return { address: answers[0].address, family: answers[0].family === 6 ? 6 : 4 };
  }

  private permits(address: string, type: 'ipv4' | 'ipv6'): boolean {
    const mapped = type === 'ipv6' ? /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address) : null;
    if (mapped) return this.permits(mapped[1], 'ipv4');
    return this.allowed.check(address, type) || !this.forbidden.check(address, type);
  }
}
