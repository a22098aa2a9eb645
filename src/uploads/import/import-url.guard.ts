import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import type { ImportAllowRule } from '../../platform/config/import-allowlist.parser';
import { PermanentJobError } from '../../jobs/job-handler';
import { SPECIAL_RANGES, type SpecialRange } from './special-address-ranges';

export interface ResolvedTarget {
  address: string;
  family: 4 | 6;
}

type Family = 'ipv4' | 'ipv6';

/** A refusal: the import's URL reaches an address no import may reach (permanent; the API answers 422 naming `url`). */
export class ImportUrlRefusedError extends PermanentJobError {
  constructor(message: string) {
    super('import_url_refused', message);
  }
}

/**
 * Server-side request forgery guard for imports: every address a host name
 * resolves to must be outside SPECIAL_RANGES unless the allowlist names it
 * (with the URL's port, when the entry has one), and the connection is then
 * pinned to the checked address (import-url.fetcher.ts), so a DNS answer that
 * changes between check and connect cannot slip through.
 */
export class ImportUrlGuard {
  private readonly special: Array<SpecialRange & { list: BlockList }> = SPECIAL_RANGES.map((range) => {
    const list = new BlockList();
    list.addSubnet(range.network, range.prefix, range.family);
    return { ...range, list };
  });
  private readonly allowed: Array<{ port: number | null; list: BlockList }> = [];
  private readonly allowedHosts: Array<{ hostname: string; port: number | null }> = [];

  constructor(allowlist: readonly ImportAllowRule[]) {
    for (const rule of allowlist) {
      if (rule.kind === 'host') {
        this.allowedHosts.push({ hostname: rule.hostname, port: rule.port });
        continue;
      }
      const list = new BlockList();
      if (rule.prefix === null) list.addAddress(rule.address, rule.family);
      else list.addSubnet(rule.address, rule.prefix, rule.family);
      this.allowed.push({ port: rule.port, list });
    }
  }

  async resolve(url: URL): Promise<ResolvedTarget> {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new ImportUrlRefusedError(`Only http and https URLs can be imported, not ${url.protocol}`);
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
    const answers = isIP(host)
      ? [{ address: host, family: isIP(host) }]
      : await lookup(host, { all: true, verbatim: true }).catch(() => []);
    if (answers.length === 0)
      throw new PermanentJobError('import_url_unresolvable', `${url.hostname} does not resolve`);
    const namedHost = this.allowedHosts.some(
      (rule) => rule.hostname === host.toLowerCase() && portFits(rule.port, port),
    );
    for (const answer of answers) {
      const family: Family = answer.family === 6 ? 'ipv6' : 'ipv4';
      const range = this.specialRangeOf(answer.address, family);
      if (range === null || namedHost || this.allows(answer.address, family, port)) continue;
      const named = host === answer.address ? host : `${url.hostname} resolves to ${answer.address}, which`;
      throw new ImportUrlRefusedError(
        `${named} is in ${range.network}/${range.prefix} (${range.what}), refused on port ${port}; ` +
          'IMPORT_ALLOWED_ADDRESSES can allow an address, range or host, with or without a port, if intended',
      );
    }
    return { address: answers[0].address, family: answers[0].family === 6 ? 6 : 4 };
  }

  /** The special range holding the address, or null for an ordinary public one. */
  private specialRangeOf(address: string, family: Family): SpecialRange | null {
    return this.special.find((range) => range.list.check(address, family)) ?? null;
  }

  private allows(address: string, family: Family, port: number): boolean {
    return this.allowed.some((rule) => portFits(rule.port, port) && rule.list.check(address, family));
  }
}

function portFits(allowed: number | null, port: number): boolean {
  return allowed === null || allowed === port;
}
