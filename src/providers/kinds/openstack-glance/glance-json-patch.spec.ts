import { ProviderRejectedError } from '../../../platform/errors/provider.errors';
import { GLANCE_JSON_PATCH_MEDIA_TYPE, glancePatchOperations } from './glance-json-patch';

describe('glancePatchOperations', () => {
  const current = { id: 'img', name: 'old', tags: [], os_distro: 'ubuntu', properties: { nhn_only: 'x' } };

  it('replaces core attributes and leaves out the ones the patch does not name', () => {
    expect(
      glancePatchOperations(
        { name: 'new', visibility: 'shared', protected: false, minDiskGiB: 0, minRamMiB: 512, tags: [] },
        current,
        'nhn',
        'p',
      ),
    ).toEqual([
      { op: 'replace', path: '/name', value: 'new' },
      { op: 'replace', path: '/visibility', value: 'shared' },
      { op: 'replace', path: '/protected', value: false },
      { op: 'replace', path: '/min_disk', value: 0 },
      { op: 'replace', path: '/min_ram', value: 512 },
      { op: 'replace', path: '/tags', value: [] },
    ]);
    expect(glancePatchOperations({}, current, 'nhn', 'p')).toEqual([]);
  });

  it('adds set properties and removes null ones only when the image has them', () => {
    expect(
      glancePatchOperations(
        { properties: { os_distro: null, nhn_only: null, absent: null, 'a/b~c': 'v' } },
        current,
        'standard',
        'p',
      ),
    ).toEqual([
      { op: 'remove', path: '/os_distro' },
      { op: 'remove', path: '/nhn_only' },
      { op: 'add', path: '/a~1b~0c', value: 'v' },
    ]);
  });

  it('refuses NHN visibilities other than private/shared and properties named like attributes', () => {
    expect(() => glancePatchOperations({ visibility: 'community' }, current, 'nhn', 'p')).toThrow(
      ProviderRejectedError,
    );
    expect(() => glancePatchOperations({ properties: { checksum: 'x' } }, current, 'standard', 'p')).toThrow(
      /'checksum' is a Glance image attribute/,
    );
  });

  it("names Glance's JSON patch media type", () => {
    expect(GLANCE_JSON_PATCH_MEDIA_TYPE).toBe('application/openstack-images-v2.1-json-patch');
  });
});
