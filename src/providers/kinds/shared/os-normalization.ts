import { lookup, lowerCaseText } from './payload-values';

/** A distro the broker has a canonical id for, and the family that id belongs to. */
export interface KnownDistro {
  id: string;
  family: string;
}

const DEBIAN = (id: string): KnownDistro => ({ id, family: 'debian' });
const RHEL = (id: string): KnownDistro => ({ id, family: 'rhel' });
const SUSE = (id: string): KnownDistro => ({ id, family: 'suse' });
const WINDOWS: KnownDistro = { id: 'windows', family: 'windows' };

/**
 * Every spelling any translator recognises, keyed by distroKey(): one table, so
 * `distro=rocky` finds "Rocky Linux" on every provider. Add a spelling here, not
 * in a translator.
 */
const KNOWN_DISTROS: Readonly<Record<string, KnownDistro>> = {
  ubuntu: DEBIAN('ubuntu'),
  debian: DEBIAN('debian'),
  centos: RHEL('centos'),
  rocky: RHEL('rocky'),
  rockylinux: RHEL('rocky'),
  almalinux: RHEL('almalinux'),
  alma: RHEL('almalinux'),
  rhel: RHEL('rhel'),
  redhat: RHEL('rhel'),
  redhatenterpriselinux: RHEL('rhel'),
  fedora: RHEL('fedora'),
  opensuse: SUSE('opensuse'),
  opensuseleap: SUSE('opensuse'),
  sles: SUSE('sles'),
  suselinuxenterpriseserver: SUSE('sles'),
  windows: WINDOWS,
  windowsserver: WINDOWS,
  mswindows: WINDOWS,
};

const ARCHITECTURES: Readonly<Record<string, string>> = {
  amd64: 'x86_64',
  x86_64: 'x86_64',
  'x86-64': 'x86_64',
  x64: 'x86_64',
  arm64: 'aarch64',
  aarch64: 'aarch64',
};

/** Lower-cased with spaces, dashes and underscores removed: "Rocky Linux", "rocky-linux" and "RockyLinux" are one key. */
function distroKey(text: string): string {
  return text.toLowerCase().replace(/[\s_-]+/g, '');
}

/** The canonical distro a provider's spelling names, else null. */
export function knownDistro(value: unknown): KnownDistro | null {
  const text = lowerCaseText(value);
  return text === null ? null : lookup(KNOWN_DISTROS, distroKey(text));
}

/**
 * A distro text as `ImageOs` states it: a known spelling becomes its canonical id
 * and family; any other text is kept lower-cased with no family, as the family is
 * derived only from a known distro, never guessed.
 */
export function distroAndFamily(value: unknown): { distro: string | null; family: string | null } {
  const known = knownDistro(value);
  if (known !== null) return { distro: known.id, family: known.family };
  return { distro: lowerCaseText(value), family: null };
}

/** amd64/x64 → x86_64, arm64 → aarch64; an architecture not in the table is kept lower-cased. */
export function normalizeArchitecture(value: unknown): string | null {
  const text = lowerCaseText(value);
  return lookup(ARCHITECTURES, text) ?? text;
}

/** `linux` or `windows` in any case; anything else is not an OS type of ours. */
export function osType(value: unknown): 'linux' | 'windows' | null {
  const type = lowerCaseText(value);
  return type === 'linux' || type === 'windows' ? type : null;
}
