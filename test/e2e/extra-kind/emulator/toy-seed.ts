/**
 * The toy cloud's catalogue, made up but spelled out: image `n` (from 1) of a
 * shelf is `<shelf>-<n>`, its distro and version taken in turn from
 * TOY_RELEASES, its size n GiB, created n days after 2026-01-01. The test
 * checks the catalogue against this rule, not against the emulator.
 */
export interface ToyImageRecord {
  id: string;
  title: string;
  distro: string;
  version: string;
  arch: 'x86_64';
  bytes: number;
  created: string;
}

export const TOY_RELEASES = [
  { distro: 'ubuntu', version: '24.04' },
  { distro: 'debian', version: '12' },
  { distro: 'rocky', version: '9' },
] as const;

const GIB = 1024 ** 3;
const EPOCH = Date.UTC(2026, 0, 1);

export function toySeed(shelf: string, count: number): ToyImageRecord[] {
  return Array.from({ length: count }, (_, index) => {
    const n = index + 1;
    const release = TOY_RELEASES[index % TOY_RELEASES.length];
    return {
      id: `${shelf}-${n}`,
      title: `${release.distro} ${release.version} (toy #${n})`,
      distro: release.distro,
      version: release.version,
      arch: 'x86_64',
      bytes: n * GIB,
      created: new Date(EPOCH + n * 86_400_000).toISOString(),
    };
  });
}
