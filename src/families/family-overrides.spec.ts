import { familyOverrides } from './family-overrides';

describe('familyOverrides: what a family gives each copy', () => {
  it("gives the family's os type, distro, version and architecture, and nothing it lacks", () => {
    expect(
      familyOverrides({
        os: { type: 'linux', distro: 'ubuntu', version: '24.04', architecture: 'x86_64', codename: 'noble' },
      }),
    ).toEqual({ os: { type: 'linux', distro: 'ubuntu', version: '24.04', architecture: 'x86_64' } });
    expect(familyOverrides({ os: { type: 'windows' } })).toEqual({ os: { type: 'windows' } });
  });

  it('gives nothing for a family without os, or with os fields that are not text', () => {
    expect(familyOverrides({ os: null })).toEqual({});
    expect(familyOverrides({ os: { type: 7, distro: null } })).toEqual({});
    expect(familyOverrides({ os: ['linux'] })).toEqual({});
  });
});
