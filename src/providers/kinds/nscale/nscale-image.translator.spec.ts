import type { NscaleImagePayload } from './nscale-image.payload';
import { type NscaleImageOwnership, NscaleImageTranslator } from './nscale-image.translator';

/** Verbatim from the seed: Region Service API v1.13, `imagesResponse` example (its only item). */
const SEED_EXAMPLE_RESPONSE: NscaleImagePayload[] = [
  {
    metadata: {
      id: 'a64f9269-36e0-4312-b8d1-52d93d569b7b',
      name: 'ubu2204-v1.25.6-gpu-525.85.05-7ced4154',
      creationTime: '2023-02-22T12:04:13Z',
    },
    spec: {
      architecture: 'x86_64',
      sizeGiB: 10,
      virtualization: 'virtualized',
      os: {
        kernel: 'linux',
        family: 'debian',
        distro: 'ubuntu',
        variant: 'server',
        codename: 'noble',
        version: '24.04',
      },
      softwareVersions: {
        kubernetes: 'v1.25.6',
      },
      gpu: {
        vendor: 'NVIDIA',
        driver: '525.85.05',
        models: ['A100', 'H100', 'H200'],
      },
    },
    status: {
      state: 'ready',
    },
  },
];
const SEED_EXAMPLE = SEED_EXAMPLE_RESPONSE[0];

const REGION = '2b3a9b56-4c2f-4a6b-9a55-7a8e4c1b9d01';
const translator = new NscaleImageTranslator();
const translate = (raw: NscaleImagePayload, ownership: NscaleImageOwnership = 'global') =>
  translator.toNormalized(raw, { region: REGION, ownership });
/** The seed example with some parts replaced. */
const variant = (patch: { metadata?: object; spec?: object; status?: object }): NscaleImagePayload => ({
  metadata: { ...SEED_EXAMPLE.metadata, ...patch.metadata },
  spec: { ...SEED_EXAMPLE.spec, ...patch.spec },
  status: { ...SEED_EXAMPLE.status, ...patch.status },
});

describe('NscaleImageTranslator', () => {
  describe("the seed's example image", () => {
    it('maps the global Kubernetes GPU image field by field, leaving what nscale does not say null', () => {
      expect(translate(SEED_EXAMPLE)).toEqual({
        nativeId: 'a64f9269-36e0-4312-b8d1-52d93d569b7b',
        region: REGION,
        name: 'ubu2204-v1.25.6-gpu-525.85.05-7ced4154',
        kind: 'preconfigured',
        visibility: 'public',
        status: 'active',
        nativeStatus: 'ready',
        os: {
          type: 'linux',
          family: 'debian',
          distro: 'ubuntu',
          version: '24.04',
          codename: 'noble',
          architecture: 'x86_64',
        },
        gpu: { vendor: 'nvidia', driver: '525.85.05', models: ['A100', 'H100', 'H200'] },
        softwareVersions: { kubernetes: 'v1.25.6' },
        sizeBytes: null,
        minDiskGiB: 10,
        minRamMiB: null,
        diskFormat: null,
        containerFormat: null,
        checksums: { md5: null, sha256: null, sha512: null },
        tags: [],
        properties: { virtualization: 'virtualized', osVariant: 'server' },
        versions: null,
        protected: null,
        createdAt: new Date('2023-02-22T12:04:13Z'),
        updatedAt: null,
        native: SEED_EXAMPLE,
      });
    });

    it('takes the OS from spec.os, not from what the name suggests (ubu2204 but 24.04 noble)', () => {
      expect(translate(SEED_EXAMPLE).os).toMatchObject({ version: '24.04', codename: 'noble' });
    });

    it('keeps the raw payload untouched as native', () => {
      const snapshot = structuredClone(SEED_EXAMPLE);
      const normalized = translate(SEED_EXAMPLE);
      expect(normalized.native).toBe(SEED_EXAMPLE);
      expect(SEED_EXAMPLE).toEqual(snapshot);
    });
  });

  describe('status.state', () => {
    it.each([
      ['pending', 'pending'],
      ['creating', 'uploading'],
      ['ready', 'active'],
      ['failed', 'failed'],
    ])('maps %s to %s, keeping the native state', (state, status) => {
      expect(translate(variant({ status: { state } }))).toMatchObject({ status, nativeStatus: state });
    });

    it('leaves a state outside the seed’s enum null but keeps it as nativeStatus', () => {
      expect(translate(variant({ status: { state: 'deleting' } }))).toMatchObject({
        status: null,
        nativeStatus: 'deleting',
      });
    });
  });

  describe('kind and visibility, from who owns the image', () => {
    it('makes an organization’s own image a private custom image', () => {
      expect(translate(SEED_EXAMPLE, 'organization')).toMatchObject({ kind: 'custom', visibility: 'private' });
    });

    it('makes a global image without preinstalled software a public base-os image, GPU driver or not', () => {
      const plain = variant({ spec: { softwareVersions: undefined } });
      expect(translate(plain)).toMatchObject({ kind: 'base-os', visibility: 'public', softwareVersions: null });
      expect(translate(variant({ spec: { softwareVersions: {} } }))).toMatchObject({ kind: 'base-os' });
    });

    it('makes a global image with preinstalled software a public preconfigured image', () => {
      expect(translate(variant({ spec: { softwareVersions: { slurm: 'v24.05.5', cuda: 'v12.4.1' } } }))).toMatchObject({
        kind: 'preconfigured',
        visibility: 'public',
        softwareVersions: { slurm: 'v24.05.5', cuda: 'v12.4.1' },
      });
    });

    it('leaves kind and visibility null when ownership is unknown', () => {
      expect(translate(SEED_EXAMPLE, null)).toMatchObject({ kind: null, visibility: null });
    });
  });

  describe('metadata', () => {
    it('turns name/value tags into name=value strings', () => {
      const tagged = variant({
        metadata: {
          tags: [
            { name: 'team', value: 'ml-platform' },
            { name: 'environment', value: 'prod' },
            { name: 'empty', value: '' },
          ],
        },
      });
      expect(translate(tagged).tags).toEqual(['team=ml-platform', 'environment=prod', 'empty=']);
    });

    it('keeps description, createdBy and modifiedBy as properties and modifiedTime as updatedAt', () => {
      const normalized = translate(
        variant({
          metadata: {
            description: 'Built by Packer',
            createdBy: 'alice@example.com',
            modifiedTime: '2023-03-01T08:00:00Z',
            modifiedBy: 'bob@example.com',
          },
        }),
      );
      expect(normalized.properties).toEqual({
        virtualization: 'virtualized',
        osVariant: 'server',
        description: 'Built by Packer',
        createdBy: 'alice@example.com',
        modifiedBy: 'bob@example.com',
      });
      expect(normalized.updatedAt).toEqual(new Date('2023-03-01T08:00:00Z'));
    });

    it('answers null for unreadable timestamps', () => {
      expect(translate(variant({ metadata: { creationTime: 'yesterday' } }))).toMatchObject({ createdAt: null });
    });
  });

  describe('spec', () => {
    it('maps an image without gpu to gpu null, and an AMD one with its vendor lower-cased', () => {
      expect(translate(variant({ spec: { gpu: undefined } })).gpu).toBeNull();
      expect(translate(variant({ spec: { gpu: { vendor: 'AMD', driver: '6.2.4', models: ['mi300x'] } } })).gpu).toEqual(
        {
          vendor: 'amd',
          driver: '6.2.4',
          models: ['MI300X'],
        },
      );
    });

    it('gives a GPU without models an empty model list', () => {
      expect(translate(variant({ spec: { gpu: { vendor: 'NVIDIA', driver: '570.133.20' } } })).gpu?.models).toEqual([]);
    });

    it('reads aarch64 and baremetal as given', () => {
      const normalized = translate(variant({ spec: { architecture: 'aarch64', virtualization: 'baremetal' } }));
      expect(normalized.os.architecture).toBe('aarch64');
      expect(normalized.properties.virtualization).toBe('baremetal');
    });

    it('reads sizeGiB as the minimum disk size and leaves the file size unknown', () => {
      expect(translate(variant({ spec: { sizeGiB: 80 } }))).toMatchObject({
        sizeBytes: null,
        minDiskGiB: 80,
      });
    });

    it('tolerates a payload with only an id, answering nulls instead of failing', () => {
      const bare: NscaleImagePayload = { metadata: { id: 'x' } };
      expect(translate(bare)).toMatchObject({
        nativeId: 'x',
        name: null,
        status: null,
        nativeStatus: null,
        gpu: null,
        sizeBytes: null,
        os: { type: null, family: null, distro: null, version: null, codename: null, architecture: null },
        properties: {},
      });
    });
  });

  it('translates well over 10,000 images a second', () => {
    const images = Array.from({ length: 20_000 }, (_, i) =>
      variant({ metadata: { id: `id-${i}`, tags: [{ name: 'team', value: 'ml' }] } }),
    );
    const started = performance.now();
    images.forEach((image, index) => translate(image, index % 10 === 0 ? 'organization' : 'global'));
    const seconds = (performance.now() - started) / 1000;
    expect(images.length / seconds).toBeGreaterThan(10_000);
  });
});
