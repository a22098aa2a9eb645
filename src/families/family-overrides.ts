import type { Family } from '../platform/persistence/generated/client';
import type { CopyOverrides } from '../replication/copy-spec';

/** What a family gives each copy in place of its image's own values: the family's `os` fields. */
export function familyOverrides(family: Pick<Family, 'os'>): CopyOverrides {
  const os = family.os !== null && typeof family.os === 'object' ? (family.os as Record<string, unknown>) : {};
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const picked = {
    type: text(os.type),
    distro: text(os.distro),
    version: text(os.version),
    architecture: text(os.architecture),
  };
  const given = Object.fromEntries(Object.entries(picked).filter(([, v]) => v !== undefined));
  return Object.keys(given).length > 0 ? { os: given } : {};
}
