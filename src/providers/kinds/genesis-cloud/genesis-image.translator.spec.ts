import type { GenesisImagePayload } from './genesis-image.payload';
import { GenesisImageTranslator } from './genesis-image.translator';

/** Verbatim from Genesis Cloud's "List Images" response example. */
const UBUNTU_ML_PYTORCH: GenesisImagePayload = {
  id: 'df3718d1-c738-49e4-9d44-6b39579a2c6a',
  type: 'cloud-image',
  family: 'Ubuntu ML',
  slug: 'ubuntu-ml-nvidia-pytorch',
  name: 'Ubuntu ML PyTorch for NVIDIA®',
  os_type: 'linux',
  regions: ['EUC-DE-MUC-1', 'NORD-NO-KRS-1'],
  versions: ['20240308'],
  created_at: '2024-03-19T16:08:40.235Z',
  updated_at: '2024-07-05T13:29:29.357Z',
};

const UBUNTU_24_04: GenesisImagePayload = {
  id: '3b29b09e-138e-11ef-a299-7fd37e9e8724',
  type: 'cloud-image',
  family: 'Ubuntu',
  slug: 'ubuntu-24.04',
  name: 'Ubuntu 24.04',
  os_type: 'linux',
  regions: ['NORD-NO-KRS-1'],
  versions: ['20240423'],
  created_at: '2024-06-03T10:07:09.366Z',
  updated_at: '2024-07-05T13:29:29.357Z',
};

const UBUNTU_22_04: GenesisImagePayload = {
  id: '2cd0e25f-a39e-4bc6-aa78-b4c40b87072a',
  type: 'cloud-image',
  family: 'Ubuntu',
  slug: 'ubuntu-22.04',
  name: 'Ubuntu 22.04',
  os_type: 'linux',
  regions: ['NORD-NO-KRS-1'],
  versions: ['20230927'],
  created_at: '2023-10-24T08:49:47.816Z',
  updated_at: '2024-07-05T13:29:29.357Z',
};

const DEBIAN_12: GenesisImagePayload = {
  id: '55e261aa-f74d-447f-aa0a-c2d39739d995',
  type: 'cloud-image',
  family: 'Debian',
  slug: 'debian-12',
  name: 'Debian 12',
  os_type: 'linux',
  regions: ['NORD-NO-KRS-1'],
  versions: ['20240702-1796'],
  created_at: '2023-10-25T11:22:47.482Z',
  updated_at: '2024-07-05T13:29:29.357Z',
};

const translator = new GenesisImageTranslator();
const perRegion = (raw: GenesisImagePayload) => translator.toNormalizedPerRegion(raw);
const only = (raw: GenesisImagePayload) => {
  const images = perRegion(raw);
  expect(images).toHaveLength(1);
  return images[0];
};
/** A minimal image of the given type; the seed documents no base-os, preconfigured or snapshot example. */
const image = (extra: Partial<GenesisImagePayload>): GenesisImagePayload => ({
  id: 'img-1',
  name: 'x',
  regions: ['NORD-NO-KRS-1'],
  ...extra,
});

describe('GenesisImageTranslator', () => {
  describe("Genesis' documented examples", () => {
    it('maps Ubuntu 24.04 to a public linux cloud-image of ubuntu 24.04 with its versions, nothing guessed', () => {
      expect(only(UBUNTU_24_04)).toEqual({
        nativeId: '3b29b09e-138e-11ef-a299-7fd37e9e8724',
        region: 'NORD-NO-KRS-1',
        name: 'Ubuntu 24.04',
        kind: 'cloud-image',
        visibility: 'public',
        status: null,
        nativeStatus: null,
        os: { type: 'linux', family: 'debian', distro: 'ubuntu', version: '24.04', codename: null, architecture: null },
        gpu: null,
        softwareVersions: null,
        sizeBytes: null,
        minDiskGiB: null,
        minRamMiB: null,
        diskFormat: null,
        containerFormat: null,
        checksums: { md5: null, sha256: null, sha512: null },
        tags: [],
        properties: { family: 'Ubuntu', slug: 'ubuntu-24.04', os_type: 'linux', regions: ['NORD-NO-KRS-1'] },
        versions: ['20240423'],
        protected: null,
        createdAt: new Date('2024-06-03T10:07:09.366Z'),
        updatedAt: new Date('2024-07-05T13:29:29.357Z'),
        native: UBUNTU_24_04,
      });
    });

    it('maps Ubuntu 22.04 and Debian 12 to their distro and the version their slug states', () => {
      expect(only(UBUNTU_22_04).os).toMatchObject({ distro: 'ubuntu', family: 'debian', version: '22.04' });
      expect(only(UBUNTU_22_04).versions).toEqual(['20230927']);
      expect(only(DEBIAN_12).os).toMatchObject({ distro: 'debian', family: 'debian', version: '12' });
      expect(only(DEBIAN_12).versions).toEqual(['20240702-1796']);
    });

    it('lists the two-region PyTorch image once per region, each with that region and the full list in properties', () => {
      const images = perRegion(UBUNTU_ML_PYTORCH);

      expect(images.map((i) => [i.nativeId, i.region])).toEqual([
        ['df3718d1-c738-49e4-9d44-6b39579a2c6a', 'EUC-DE-MUC-1'],
        ['df3718d1-c738-49e4-9d44-6b39579a2c6a', 'NORD-NO-KRS-1'],
      ]);
      for (const copy of images) {
        expect(copy.properties.regions).toEqual(['EUC-DE-MUC-1', 'NORD-NO-KRS-1']);
        expect(copy).toMatchObject({ kind: 'cloud-image', visibility: 'public', versions: ['20240308'] });
      }
    });

    it('reads the "Ubuntu ML" family as ubuntu but states no version for a slug that carries none', () => {
      expect(perRegion(UBUNTU_ML_PYTORCH)[0].os).toEqual({
        type: 'linux',
        family: 'debian',
        distro: 'ubuntu',
        version: null,
        codename: null,
        architecture: null,
      });
    });

    it('keeps gpu and software versions null although the name says NVIDIA: Genesis has no field for them', () => {
      const [copy] = perRegion(UBUNTU_ML_PYTORCH);
      expect(copy.gpu).toBeNull();
      expect(copy.softwareVersions).toBeNull();
      expect(
        only(image({ type: 'preconfigured', name: 'Ubuntu 22.04 + NVIDIA driver 550 + CUDA 12.4' })).gpu,
      ).toBeNull();
    });

    it('keeps the payload untouched as native, and region copies independent of each other', () => {
      const before = structuredClone(UBUNTU_ML_PYTORCH);
      const [first, second] = perRegion(UBUNTU_ML_PYTORCH);

      (first.properties.regions as string[]).push('changed');
      first.versions?.push('changed');
      first.os.distro = 'changed';

      expect(first.native).toBe(UBUNTU_ML_PYTORCH);
      expect(UBUNTU_ML_PYTORCH).toEqual(before);
      expect(second.properties.regions).toEqual(['EUC-DE-MUC-1', 'NORD-NO-KRS-1']);
      expect(second.versions).toEqual(['20240308']);
      expect(second.os.distro).toBe('ubuntu');
    });
  });

  describe('image types', () => {
    it.each([
      ['base-os', 'public'],
      ['cloud-image', 'public'],
      ['preconfigured', 'public'],
      ['snapshot', 'private'],
    ])('maps type %s to the kind of that name, with visibility %s', (type, visibility) => {
      expect(only(image({ type }))).toMatchObject({ kind: type, visibility });
    });

    it('leaves kind and visibility null for a type Genesis has not documented', () => {
      expect(only(image({ type: 'marketplace' }))).toMatchObject({ kind: null, visibility: null });
      expect(only(image({ type: undefined }))).toMatchObject({ kind: null, visibility: null });
    });

    it("keeps a non-cloud-image's empty versions array as given, and null when there is none", () => {
      expect(only(image({ type: 'base-os', versions: [] })).versions).toEqual([]);
      expect(only(image({ type: 'snapshot' })).versions).toBeNull();
    });
  });

  describe('regions', () => {
    it("gives an image that lists no region one entry with region ''", () => {
      expect(perRegion(image({ regions: [] })).map((i) => i.region)).toEqual(['']);
      expect(perRegion(image({ regions: undefined })).map((i) => i.region)).toEqual(['']);
    });

    it('lists a region once even when Genesis repeats it, and skips blank entries', () => {
      const images = perRegion(image({ regions: ['ARC-IS-HAF-1', ' ', 'ARC-IS-HAF-1', 'NORD-NO-KRS-1'] }));
      expect(images.map((i) => i.region)).toEqual(['ARC-IS-HAF-1', 'NORD-NO-KRS-1']);
    });

    it('translates for a region the caller names', () => {
      expect(translator.toNormalized(UBUNTU_24_04, 'ARC-IS-HAF-1').region).toBe('ARC-IS-HAF-1');
    });
  });

  describe('operating system', () => {
    it('does not name a distro for a family label it does not know', () => {
      expect(only(image({ family: 'Genesis Tools', slug: 'genesis-tools-1' })).os).toMatchObject({
        distro: null,
        family: null,
        version: null,
      });
    });

    it('reads the version only from a slug of the form <distro>-<version>', () => {
      const os = (slug: string) => only(image({ family: 'Ubuntu', slug })).os.version;
      expect(os('ubuntu-20.04')).toBe('20.04');
      expect(os('ubuntu-22.04-nvidia-550-cuda-12.4')).toBeNull();
      expect(os('debian-12')).toBeNull();
    });

    it('accepts only linux or windows as os type', () => {
      expect(only(image({ os_type: 'Linux' })).os.type).toBe('linux');
      expect(only(image({ os_type: 'plan9' })).os.type).toBeNull();
      expect(only(image({})).os.type).toBeNull();
    });

    it('leaves unreadable timestamps null', () => {
      expect(only(image({ created_at: 'yesterday', updated_at: null }))).toMatchObject({
        createdAt: null,
        updatedAt: null,
      });
    });

    it('keeps keys Genesis adds later in properties', () => {
      expect(only(image({ family: 'Debian', architecture: 'x86_64' })).properties).toEqual({
        family: 'Debian',
        regions: ['NORD-NO-KRS-1'],
        architecture: 'x86_64',
      });
    });
  });

  it('translates well over 10,000 images per second', () => {
    const payloads = Array.from({ length: 20_000 }, (_, i) => ({ ...UBUNTU_ML_PYTORCH, id: `id-${i}` }));
    const started = performance.now();
    let count = 0;
    for (const payload of payloads) count += perRegion(payload).length;
    const seconds = (performance.now() - started) / 1000;

    expect(count).toBe(40_000);
    expect(payloads.length / seconds).toBeGreaterThan(10_000);
  });
});
