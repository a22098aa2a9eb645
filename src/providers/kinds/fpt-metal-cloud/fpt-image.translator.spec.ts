import type { FptCustomImagePayload, FptImageItemPayload, FptPublicImagePayload } from './fpt-image.payload';
import { FptImageTranslator } from './fpt-image.translator';

/** A public GPU image, shaped by the field choice of docs/providers/fpt-metal-cloud.md. */
const UBUNTU_2204_H100: FptPublicImagePayload = {
  id: '6f1c9a52-3d0e-4c41-9b7e-2a5d8c3e1f40',
  name: 'Ubuntu 22.04 LTS | NVIDIA 550.127.05 | CUDA 12.4 | 20241105',
  description:
    'Ubuntu 22.04 LTS for NVIDIA Hopper H100 bare-metal servers with NVIDIA driver 550.127.05, CUDA 12.4, Fabric Manager.',
  image_type: 'base',
  os_type: 'linux',
  os_name: 'Ubuntu',
  os_version: '22.04',
  architecture: 'x86_64',
  gpu_vendor: 'NVIDIA',
  gpu_generation: 'Hopper',
  gpu_models: ['H100'],
  driver_version: '550.127.05',
  cuda_version: '12.4',
  size: 9126805504,
  status: 'active',
  created_at: '2024-11-05T03:12:44.120000Z',
  updated_at: '2024-11-07T09:00:00.000000Z',
};

/** An application image: extra software, so not a base OS. */
const UBUNTU_DOCKER: FptPublicImagePayload = {
  ...UBUNTU_2204_H100,
  id: '0d4b7f0e-9a35-4c8e-8f2a-5b1e6c7d8e90',
  image_type: 'application',
  docker_version: '27.3.1',
  nvidia_container_toolkit_version: '1.17.4',
};

/** Rocky without a preinstalled NVIDIA stack, still built for Hopper servers. */
const ROCKY_95_PLAIN: FptPublicImagePayload = {
  id: '8a0e1c77-2b4d-4e6f-a1b2-c3d4e5f60718',
  name: 'Rocky Linux 9.5 | 20250102',
  image_type: 'base',
  os_type: 'linux',
  os_name: 'Rocky Linux',
  os_version: '9.5',
  architecture: 'x86_64',
  gpu_vendor: null,
  gpu_generation: 'Hopper',
  gpu_models: [],
  driver_version: null,
  cuda_version: null,
  size: 5368709120,
  status: 'deprecated',
  created_at: '2025-01-02T00:00:00.000000Z',
  updated_at: '2025-01-02T00:00:00.000000Z',
};

const SHA = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';

/** A custom image as the custom list carries it: the register fields plus lifecycle. */
const CUSTOM_ACTIVE: FptCustomImagePayload = {
  id: 'c7e2a1d4-5b6f-4a3e-9d8c-7b6a5f4e3d21',
  name: 'llm-train-base-v3',
  description: 'Captured from hgx-h100-01',
  size: 21474836480,
  sha256: SHA,
  status: 'active',
  vpc_id: '0f6c1f2e-3b4a-4d5e-8f90-123456789abc',
  synced_at: '2025-03-01T10:00:00.000000Z',
  error_message: null,
  created_at: '2025-02-28T08:00:00.000000Z',
  updated_at: '2025-02-28T08:40:00.000000Z',
};

/** The `data` of the seed's register (201) response, field for field: image_id, name, description, created_at. */
const SEED_REGISTER_RESPONSE_DATA: FptImageItemPayload = {
  image_id: 'b1d2c3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e',
  name: 'my-image',
  description: '',
  created_at: '2025-07-01T12:00:00.000000Z',
};

describe('FptImageTranslator', () => {
  const translator = new FptImageTranslator();
  const asPublic = (raw: FptImageItemPayload) => translator.toNormalized(raw, { region: 'hcm', source: 'public' });
  const asCustom = (raw: FptImageItemPayload) => translator.toNormalized(raw, { region: 'hcm', source: 'custom' });

  it('translates a public Hopper GPU image field by field', () => {
    expect(asPublic(UBUNTU_2204_H100)).toEqual({
      nativeId: '6f1c9a52-3d0e-4c41-9b7e-2a5d8c3e1f40',
      region: 'hcm',
      name: 'Ubuntu 22.04 LTS | NVIDIA 550.127.05 | CUDA 12.4 | 20241105',
      kind: 'base-os',
      visibility: 'public',
      status: 'active',
      nativeStatus: 'active',
      os: {
        type: 'linux',
        family: 'debian',
        distro: 'ubuntu',
        version: '22.04',
        codename: null,
        architecture: 'x86_64',
      },
      gpu: { vendor: 'nvidia', driver: '550.127.05', models: ['H100'] },
      softwareVersions: { cuda: '12.4' },
      sizeBytes: 9126805504,
      minDiskGiB: null,
      minRamMiB: null,
      diskFormat: null,
      containerFormat: null,
      checksums: { md5: null, sha256: null, sha512: null },
      tags: [],
      properties: {
        description: UBUNTU_2204_H100.description,
        image_type: 'base',
        gpu_generation: 'Hopper',
        cuda_version: '12.4',
      },
      versions: null,
      protected: null,
      createdAt: new Date('2024-11-05T03:12:44.120Z'),
      updatedAt: new Date('2024-11-07T09:00:00Z'),
      native: UBUNTU_2204_H100,
    });
  });

  it('makes an application image preconfigured and lists its software versions', () => {
    const image = asPublic(UBUNTU_DOCKER);

    expect(image.kind).toBe('preconfigured');
    expect(image.softwareVersions).toEqual({ cuda: '12.4', docker: '27.3.1', nvidia_container_toolkit: '1.17.4' });
  });

  it('keeps a public image base-os when its image_type is missing or unknown', () => {
    expect(asPublic({ id: 'x' }).kind).toBe('base-os');
    expect(asPublic({ id: 'x', image_type: 'golden' }).kind).toBe('base-os');
  });

  it('gives a plain Rocky image its target GPUs only when it names them, and no driver', () => {
    const image = asPublic(ROCKY_95_PLAIN);

    expect(image.os).toMatchObject({ family: 'rhel', distro: 'rocky', version: '9.5' });
    expect(image.gpu).toBeNull();
    expect(image.softwareVersions).toBeNull();
    expect(asPublic({ ...ROCKY_95_PLAIN, gpu_models: ['h100', 'h200'] }).gpu).toEqual({
      vendor: null,
      driver: null,
      models: ['H100', 'H200'],
    });
  });

  it('has no status for a deprecated public image but keeps the native one', () => {
    expect(asPublic(ROCKY_95_PLAIN)).toMatchObject({ status: null, nativeStatus: 'deprecated' });
  });

  it('makes every custom image kind custom and private, whatever its image_type says', () => {
    expect(asCustom(CUSTOM_ACTIVE)).toMatchObject({ kind: 'custom', visibility: 'private' });
    expect(asCustom({ ...CUSTOM_ACTIVE, image_type: 'base' }).kind).toBe('custom');
  });

  it('translates a custom image with its registered size and sha256', () => {
    expect(asCustom(CUSTOM_ACTIVE)).toMatchObject({
      nativeId: CUSTOM_ACTIVE.id,
      name: 'llm-train-base-v3',
      status: 'active',
      sizeBytes: 21474836480,
      checksums: { md5: null, sha256: SHA, sha512: null },
      os: { type: null, family: null, distro: null, version: null, codename: null, architecture: null },
      gpu: null,
      properties: {
        description: 'Captured from hgx-h100-01',
        vpc_id: CUSTOM_ACTIVE.vpc_id,
        synced_at: '2025-03-01T10:00:00.000000Z',
        error_message: null,
      },
      createdAt: new Date('2025-02-28T08:00:00Z'),
    });
  });

  it.each([
    ['pending', 'pending'],
    ['uploading', 'uploading'],
    ['processing', 'uploading'],
    ['active', 'active'],
    ['failed', 'failed'],
    ['ERROR', 'failed'],
    ['deleting', 'deleting'],
    ['deleted', 'deleted'],
    ['quarantined', null],
  ])('maps the custom status %s to %s', (status, expected) => {
    expect(asCustom({ ...CUSTOM_ACTIVE, status })).toMatchObject({ status: expected, nativeStatus: status });
  });

  it("reads the seed's register response data, whose id is image_id", () => {
    expect(asCustom(SEED_REGISTER_RESPONSE_DATA)).toMatchObject({
      nativeId: 'b1d2c3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e',
      name: 'my-image',
      status: null,
      sizeBytes: null,
      properties: { description: '' },
      createdAt: new Date('2025-07-01T12:00:00Z'),
    });
  });

  it('leaves everything an item does not state null, never guessing from the name', () => {
    const image = asPublic({ id: 'bare', name: 'Ubuntu 24.04 LTS | NVIDIA 570.86.15 | CUDA 12.8' });

    expect(image).toMatchObject({
      status: null,
      nativeStatus: null,
      os: { type: null, family: null, distro: null, version: null, codename: null, architecture: null },
      gpu: null,
      softwareVersions: null,
      sizeBytes: null,
      createdAt: null,
      updatedAt: null,
      properties: {},
    });
  });

  it('canonicalises distro and architecture spellings and keeps unknown ones lower-cased', () => {
    expect(asPublic({ id: 'a', os_name: 'RockyLinux', architecture: 'amd64' }).os).toMatchObject({
      distro: 'rocky',
      architecture: 'x86_64',
    });
    expect(asPublic({ id: 'b', os_distro: 'Debian' }).os).toMatchObject({ distro: 'debian', family: 'debian' });
    expect(asPublic({ id: 'c', os_name: 'NixOS', architecture: 'RISCV64' }).os).toMatchObject({
      distro: 'nixos',
      family: null,
      architecture: 'riscv64',
    });
  });

  it('reads numbers given as text or numbers, and drops values that are not what they claim', () => {
    // Off-schema on purpose: the wire is not bound by our payload types.
    const loose: Record<string, unknown> = {
      id: 'n',
      os_version: 22.04,
      size: '1024',
      gpu_models: 'h100, h200',
      created_at: 'yesterday',
      os_type: 'plan9',
    };
    const image = asPublic(loose as FptImageItemPayload);
    expect(image).toMatchObject({
      os: { version: '22.04', type: null },
      sizeBytes: 1024,
      gpu: { models: ['H100', 'H200'] },
      createdAt: null,
    });
    expect(asCustom({ id: 's', sha256: 'not-a-digest', size: -5 })).toMatchObject({
      checksums: { sha256: null },
      sizeBytes: null,
    });
  });

  it('refuses an item without any id', () => {
    expect(() => asPublic({ name: 'nameless' })).toThrow(TypeError);
  });

  it('translates well over 10,000 images per second', () => {
    const items = Array.from({ length: 20_000 }, (_, i) => ({ ...UBUNTU_DOCKER, id: `id-${i}` }));

    const started = performance.now();
    for (const item of items) asPublic(item);
    const perSecond = items.length / ((performance.now() - started) / 1000);

    expect(perSecond).toBeGreaterThan(10_000);
  });
});
