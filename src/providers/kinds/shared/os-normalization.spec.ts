import { distroAndFamily, knownDistro, normalizeArchitecture, osType } from './os-normalization';

describe('knownDistro', () => {
  it.each([
    ['CentOS', 'centos', 'rhel'],
    ['Rocky', 'rocky', 'rhel'],
    ['rockylinux', 'rocky', 'rhel'],
    ['Rocky Linux', 'rocky', 'rhel'],
    ['rocky-linux', 'rocky', 'rhel'],
    ['AlmaLinux', 'almalinux', 'rhel'],
    ['Alma', 'almalinux', 'rhel'],
    ['RHEL', 'rhel', 'rhel'],
    ['Red Hat', 'rhel', 'rhel'],
    ['Red Hat Enterprise Linux', 'rhel', 'rhel'],
    ['Fedora', 'fedora', 'rhel'],
    ['Ubuntu', 'ubuntu', 'debian'],
    ['Debian', 'debian', 'debian'],
    ['openSUSE', 'opensuse', 'suse'],
    ['openSUSE Leap', 'opensuse', 'suse'],
    ['SLES', 'sles', 'suse'],
    ['SUSE Linux Enterprise Server', 'sles', 'suse'],
    ['Windows', 'windows', 'windows'],
    ['Windows Server', 'windows', 'windows'],
    ['MS Windows', 'windows', 'windows'],
  ])('knows %p as %p of family %p', (text, id, family) => {
    expect(knownDistro(text)).toEqual({ id, family });
  });

  it('knows nothing else, nor blank or non-string values', () => {
    expect(knownDistro('Alpine')).toBeNull();
    expect(knownDistro('suse')).toBeNull();
    expect(knownDistro(' ')).toBeNull();
    expect(knownDistro(undefined)).toBeNull();
    expect(knownDistro('constructor')).toBeNull();
  });
});

describe('distroAndFamily', () => {
  it('canonicalises a known distro and gives its family', () => {
    expect(distroAndFamily(' Rocky Linux ')).toEqual({ distro: 'rocky', family: 'rhel' });
  });

  it('keeps an unknown distro lower-cased, as written, with no family', () => {
    expect(distroAndFamily('Arch Linux')).toEqual({ distro: 'arch linux', family: null });
  });

  it('answers nulls when no distro is stated', () => {
    expect(distroAndFamily('')).toEqual({ distro: null, family: null });
    expect(distroAndFamily(null)).toEqual({ distro: null, family: null });
  });
});

describe('normalizeArchitecture', () => {
  it.each([
    ['amd64', 'x86_64'],
    ['x86_64', 'x86_64'],
    ['X86-64', 'x86_64'],
    ['x64', 'x86_64'],
    ['arm64', 'aarch64'],
    ['AARCH64', 'aarch64'],
    ['PPC64LE', 'ppc64le'],
  ])('reads %p as %p', (text, architecture) => {
    expect(normalizeArchitecture(text)).toBe(architecture);
  });

  it('answers null when no architecture is stated', () => {
    expect(normalizeArchitecture(' ')).toBeNull();
    expect(normalizeArchitecture(64)).toBeNull();
  });
});

describe('osType', () => {
  it('keeps only linux and windows, in any case', () => {
    expect(osType('Linux')).toBe('linux');
    expect(osType(' WINDOWS ')).toBe('windows');
    expect(osType('bsd')).toBeNull();
    expect(osType(undefined)).toBeNull();
  });
});
