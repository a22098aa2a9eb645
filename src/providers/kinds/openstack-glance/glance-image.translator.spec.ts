import type { GlanceImagePayload } from './glance-image.payload';
import { GlanceImageTranslator } from './glance-image.translator';

/** Verbatim from NHN Cloud Image API v2, "List Images" / "Get Image" examples. */
const NHN_CENTOS_6_10: GlanceImagePayload = {
  container_format: 'bare',
  min_ram: 0,
  updated_at: '2018-12-11T01:01:35Z',
  login_username: 'centos',
  file: '/v2/images/1c868787-6207-4ff2-a1e7-ae1331d6829b/file',
  owner: 'c289b99209ca4e189095cdecebbd092d',
  id: '1c868787-6207-4ff2-a1e7-ae1331d6829b',
  size: 1778843648,
  os_distro: 'CentOS',
  self: '/v2/images/1c868787-6207-4ff2-a1e7-ae1331d6829b',
  disk_format: 'qcow2',
  os_version: '6.10',
  schema: '/v2/schemas/image',
  status: 'active',
  description: 'CentOS 6.10 (2018.10.23)',
  tags: [],
  visibility: 'public',
  os_architecture: 'amd64',
  min_disk: 20,
  virtual_size: null,
  name: 'CentOS 6.10 (2018.10.23)',
  hypervisor_type: 'qemu',
  created_at: '2018-10-23T02:17:43Z',
  protected: true,
  checksum: 'f803c5c15bcf9a75935980a900a04584',
  os_type: 'linux',
};

/** Verbatim from NHN Cloud Image API v2, "Create Image" response example. */
const NHN_CREATED_UBUNTU: GlanceImagePayload = {
  status: 'queued',
  name: 'Ubuntu Image',
  tags: [],
  container_format: 'bare',
  created_at: '2015-11-29T22:21:42Z',
  size: null,
  disk_format: 'qcow2',
  updated_at: '2015-11-29T22:21:42Z',
  visibility: 'private',
  locations: [],
  self: '/v2/images/b2173dd3-7ad6-4362-baa6-a68bce3565cb',
  min_disk: 0,
  protected: false,
  id: 'b2173dd3-7ad6-4362-baa6-a68bce3565cb',
  file: '/v2/images/b2173dd3-7ad6-4362-baa6-a68bce3565cb/file',
  checksum: null,
  os_hash_algo: null,
  os_hash_value: null,
  os_hidden: false,
  owner: 'bab7d5c60cd041a0a36f7c4b6e1dd978',
  virtual_size: null,
  min_ram: 0,
  schema: '/v2/schemas/image',
  os_type: 'linux',
  os_distro: 'ubuntu',
  os_version: 'Server 22.04 LTS',
};

/** Verbatim from Vietnix (standard Glance v2), "Creating image records" response example. */
const VIETNIX_CREATED_ALPINE: GlanceImagePayload = {
  name: 'alpine',
  disk_format: 'qcow2',
  container_format: 'bare',
  visibility: 'shared',
  size: null,
  virtual_size: null,
  status: 'queued',
  checksum: null,
  protected: false,
  min_ram: 0,
  min_disk: 0,
  owner: 'f33507157a634f1cac71e06a70fb558e',
  os_hidden: false,
  os_hash_algo: null,
  os_hash_value: null,
  id: '9775d86a-8bf8-4200-a4b5-d892e931e8f6',
  created_at: '2025-10-22T08:40:44Z',
  updated_at: '2025-10-22T08:40:44Z',
  tags: [],
  self: '/v2/images/9775d86a-8bf8-4200-a4b5-d892e931e8f6',
  file: '/v2/images/9775d86a-8bf8-4200-a4b5-d892e931e8f6/file',
  schema: '/v2/schemas/image',
};

const translator = new GlanceImageTranslator();
const nhn = (raw: GlanceImagePayload) => translator.toNormalized(raw, { region: 'kr1', dialect: 'nhn' });
const standard = (raw: GlanceImagePayload) => translator.toNormalized(raw, { region: 'hn', dialect: 'standard' });
/** A minimal standard image with the given extra attributes. */
const image = (extra: Record<string, unknown>): GlanceImagePayload => ({ id: 'img-1', ...extra });

describe('GlanceImageTranslator', () => {
  describe('NHN Cloud examples', () => {
    it("maps NHN's CentOS 6.10 public image to base-os linux/centos 6.10 x86_64 with its md5", () => {
      expect(nhn(NHN_CENTOS_6_10)).toEqual({
        nativeId: '1c868787-6207-4ff2-a1e7-ae1331d6829b',
        region: 'kr1',
        name: 'CentOS 6.10 (2018.10.23)',
        kind: 'base-os',
        visibility: 'public',
        status: 'active',
        nativeStatus: 'active',
        os: {
          type: 'linux',
          family: 'rhel',
          distro: 'centos',
          version: '6.10',
          codename: null,
          architecture: 'x86_64',
        },
        gpu: null,
        softwareVersions: null,
        sizeBytes: 1778843648,
        minDiskGiB: 20,
        minRamMiB: 0,
        diskFormat: 'qcow2',
        containerFormat: 'bare',
        checksums: { md5: 'f803c5c15bcf9a75935980a900a04584', sha256: null, sha512: null },
        tags: [],
        properties: {
          login_username: 'centos',
          os_distro: 'CentOS',
          os_version: '6.10',
          description: 'CentOS 6.10 (2018.10.23)',
          os_architecture: 'amd64',
          hypervisor_type: 'qemu',
          os_type: 'linux',
        },
        versions: null,
        protected: true,
        createdAt: new Date('2018-10-23T02:17:43Z'),
        updatedAt: new Date('2018-12-11T01:01:35Z'),
        native: NHN_CENTOS_6_10,
      });
    });

    it('keeps the raw payload untouched as native', () => {
      const snapshot = structuredClone(NHN_CENTOS_6_10);
      const normalized = nhn(NHN_CENTOS_6_10);
      expect(normalized.native).toBe(NHN_CENTOS_6_10);
      expect(NHN_CENTOS_6_10).toEqual(snapshot);
    });

    it("maps NHN's freshly created private Ubuntu image to a pending custom image with no size or checksum yet", () => {
      const normalized = nhn(NHN_CREATED_UBUNTU);

      expect(normalized).toMatchObject({
        nativeId: 'b2173dd3-7ad6-4362-baa6-a68bce3565cb',
        kind: 'custom',
        visibility: 'private',
        status: 'pending',
        nativeStatus: 'queued',
        sizeBytes: null,
        checksums: { md5: null, sha256: null, sha512: null },
        protected: false,
        gpu: null,
      });
      expect(normalized.os).toEqual({
        type: 'linux',
        family: 'debian',
        distro: 'ubuntu',
        version: 'Server 22.04 LTS',
        codename: null,
        architecture: null,
      });
    });

    it('leaves core attributes such as locations and os_hidden out of properties', () => {
      expect(nhn(NHN_CREATED_UBUNTU).properties).toEqual({
        os_type: 'linux',
        os_distro: 'ubuntu',
        os_version: 'Server 22.04 LTS',
      });
    });

    it("reads NHN's nested properties object, the top level winning on conflict", () => {
      const normalized = nhn(
        image({
          visibility: 'private',
          os_distro: 'Rocky',
          properties: { os_distro: 'centos', os_architecture: 'x86_64' },
        }),
      );

      expect(normalized.properties).toEqual({ os_distro: 'Rocky', os_architecture: 'x86_64' });
      expect(normalized.os).toMatchObject({ distro: 'rocky', family: 'rhel', architecture: 'x86_64' });
    });

    it('marks an NHN GPU-product image as carrying a GPU even when the details are unknown', () => {
      expect(nhn(image({ nhncloud_product: 'gpu' })).gpu).toEqual({ vendor: null, driver: null, models: [] });
      expect(nhn(image({ nhncloud_product: 'compute' })).gpu).toBeNull();
    });

    it("reads an NHN GPU image's models, driver, vendor and CUDA from its name, the only place NHN documents them", () => {
      const normalized = nhn(
        image({
          nhncloud_product: 'gpu',
          name: 'Ubuntu Server 22.04 LTS (2024.06.18) - NVIDIA H100/A100 GPU Driver 550.54.15 CUDA 12.4',
        }),
      );

      expect(normalized.gpu).toEqual({ vendor: 'nvidia', driver: '550.54.15', models: ['H100', 'A100'] });
      expect(normalized.softwareVersions).toEqual({ cuda: '12.4' });
      expect(nhn(image({ nhncloud_product: 'gpu', name: 'gpu-box L40S and l4 (T4-free)' })).gpu).toEqual({
        vendor: 'nvidia',
        driver: null,
        models: ['L40S', 'L4', 'T4'],
      });
    });

    it('reads no GPU from NHN properties its guide never names, nor from the name of a compute image', () => {
      const undocumented = { gpu_vendor: 'NVIDIA', gpu_driver: '550.54.15', gpu_models: 'H100' };
      expect(nhn(image({ nhncloud_product: 'gpu', name: 'my-image', ...undocumented })).gpu).toEqual({
        vendor: null,
        driver: null,
        models: [],
      });
      expect(
        nhn(image({ nhncloud_product: 'compute', name: 'NVIDIA H100 Driver 550', ...undocumented })).gpu,
      ).toBeNull();
      expect(nhn(image({ name: 'H1000 XA100 ubuntu', nhncloud_product: 'gpu' })).gpu?.models).toEqual([]);
    });
  });

  describe('standard Glance (Vietnix) examples', () => {
    it("maps Vietnix's freshly created 'alpine' record to a pending shared custom image with nothing guessed", () => {
      expect(standard(VIETNIX_CREATED_ALPINE)).toEqual({
        nativeId: '9775d86a-8bf8-4200-a4b5-d892e931e8f6',
        region: 'hn',
        name: 'alpine',
        kind: 'custom',
        visibility: 'shared',
        status: 'pending',
        nativeStatus: 'queued',
        os: { type: null, family: null, distro: null, version: null, codename: null, architecture: null },
        gpu: null,
        softwareVersions: null,
        sizeBytes: null,
        minDiskGiB: 0,
        minRamMiB: 0,
        diskFormat: 'qcow2',
        containerFormat: 'bare',
        checksums: { md5: null, sha256: null, sha512: null },
        tags: [],
        properties: {},
        versions: null,
        protected: false,
        createdAt: new Date('2025-10-22T08:40:44Z'),
        updatedAt: new Date('2025-10-22T08:40:44Z'),
        native: VIETNIX_CREATED_ALPINE,
      });
    });

    it('maps a GPU image with CUDA properties to an nvidia gpu, upper-cased models and software versions', () => {
      const normalized = standard(
        image({
          visibility: 'public',
          status: 'active',
          os_type: 'Linux',
          os_distro: 'Ubuntu',
          os_version: '22.04',
          os_codename: 'jammy',
          architecture: 'amd64',
          gpu_vendor: 'NVIDIA',
          gpu_driver: '550.54.15',
          gpu_models: 'h100, a100 ,',
          cuda_version: '12.4',
          cudnn_version: '9.1.0',
          os_hash_algo: 'sha512',
          os_hash_value: 'ab'.repeat(64),
          checksum: 'cd'.repeat(16),
          tags: ['gpu', 'cuda'],
        }),
      );

      expect(normalized.gpu).toEqual({ vendor: 'nvidia', driver: '550.54.15', models: ['H100', 'A100'] });
      expect(normalized.softwareVersions).toEqual({ cuda: '12.4', cudnn: '9.1.0' });
      expect(normalized.os).toEqual({
        type: 'linux',
        family: 'debian',
        distro: 'ubuntu',
        version: '22.04',
        codename: 'jammy',
        architecture: 'x86_64',
      });
      expect(normalized.checksums).toEqual({ md5: 'cd'.repeat(16), sha256: null, sha512: 'ab'.repeat(64) });
      expect(normalized.tags).toEqual(['gpu', 'cuda']);
    });

    it('accepts GPU models given as an array', () => {
      expect(standard(image({ gpu_models: ['l40s', 'H200'] })).gpu?.models).toEqual(['L40S', 'H200']);
    });

    it('maps a Nova snapshot (image_type=snapshot) to kind snapshot whatever its visibility', () => {
      const normalized = standard(image({ visibility: 'private', image_type: 'snapshot', instance_uuid: 'abc' }));
      expect(normalized.kind).toBe('snapshot');
      expect(normalized.properties).toEqual({ image_type: 'snapshot', instance_uuid: 'abc' });
    });

    it('takes a sha256 secure hash when that is the algorithm the cloud uses', () => {
      expect(standard(image({ os_hash_algo: 'sha256', os_hash_value: 'ef'.repeat(32) })).checksums).toEqual({
        md5: null,
        sha256: 'ef'.repeat(32),
        sha512: null,
      });
    });

    it('reads the standard architecture key, normalising arm64 to aarch64 and passing the unknown lower-cased', () => {
      expect(standard(image({ architecture: 'arm64' })).os.architecture).toBe('aarch64');
      expect(standard(image({ architecture: 'PPC64LE' })).os.architecture).toBe('ppc64le');
    });
  });

  describe('status', () => {
    it.each([
      ['queued', 'pending'],
      ['saving', 'uploading'],
      ['uploading', 'uploading'],
      ['importing', 'uploading'],
      ['active', 'active'],
      ['killed', 'failed'],
      ['pending_delete', 'deleting'],
      ['deleted', 'deleted'],
    ])('maps Glance %s to %s', (native, status) => {
      expect(standard(image({ status: native }))).toMatchObject({ status, nativeStatus: native });
    });

    it('leaves a status outside the contract (deactivated) null but keeps it as nativeStatus', () => {
      expect(standard(image({ status: 'deactivated' }))).toMatchObject({ status: null, nativeStatus: 'deactivated' });
    });
  });

  describe('visibility and kind', () => {
    it.each([
      ['public', 'base-os'],
      ['community', 'base-os'],
      ['private', 'custom'],
      ['shared', 'custom'],
    ])('maps %s images to kind %s', (visibility, kind) => {
      expect(standard(image({ visibility }))).toMatchObject({ visibility, kind });
    });

    it('leaves visibility and kind null when Glance gives neither', () => {
      expect(standard(image({ visibility: 'secret' }))).toMatchObject({ visibility: null, kind: null });
    });
  });

  describe('os', () => {
    it.each([
      ['CentOS', 'centos', 'rhel'],
      ['Rocky', 'rocky', 'rhel'],
      ['rockylinux', 'rocky', 'rhel'],
      ['Rocky Linux', 'rocky', 'rhel'],
      ['AlmaLinux', 'almalinux', 'rhel'],
      ['RHEL', 'rhel', 'rhel'],
      ['Red Hat', 'rhel', 'rhel'],
      ['Fedora', 'fedora', 'rhel'],
      ['Debian', 'debian', 'debian'],
      ['openSUSE', 'opensuse', 'suse'],
      ['SLES', 'sles', 'suse'],
      ['Windows', 'windows', 'windows'],
      ['Alpine', 'alpine', null],
      ['Arch Linux', 'arch linux', null],
    ])('normalises os_distro %p to %p in family %p', (osDistro, distro, family) => {
      expect(standard(image({ os_distro: osDistro })).os).toMatchObject({ distro, family });
    });

    it('keeps only linux and windows as os type', () => {
      expect(standard(image({ os_type: 'Windows' })).os.type).toBe('windows');
      expect(standard(image({ os_type: 'bsd' })).os.type).toBeNull();
    });

    it('does not derive a codename from the version', () => {
      expect(standard(image({ os_distro: 'ubuntu', os_version: '22.04' })).os.codename).toBeNull();
    });
  });

  describe('everything else', () => {
    it('collects only *_version properties other than os_version as software versions', () => {
      const normalized = standard(
        image({ os_version: '22.04', driver_version: '550', rocm_version: 6.1, hw_firmware: 'x' }),
      );
      expect(normalized.softwareVersions).toEqual({ driver: '550', rocm: '6.1' });
    });

    it('answers null for dates that are missing or unreadable', () => {
      expect(standard(image({ created_at: 'yesterday' }))).toMatchObject({ createdAt: null, updatedAt: null });
    });

    it('defaults tags to [] and protected to null when absent', () => {
      expect(standard(image({}))).toMatchObject({ tags: [], protected: null, name: null, sizeBytes: null });
    });
  });
});
