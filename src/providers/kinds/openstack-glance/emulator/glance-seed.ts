import { mixSeed, SeedRandom } from '../../../emulator-kit/seed-random';
import type {
  GlanceDialect,
  GlanceImageRecord,
  GlanceImageStatus,
  GlanceMemberRecord,
  GlanceVisibility,
} from './glance.types';
import { glanceTimestamp } from './glance.types';

export interface GlanceSeedOptions {
  dialect: GlanceDialect;
  count: number;
  /** Same seed (with the same dialect and region) → the same images, ids included. */
  seed: number;
  /** Project id of "our" tenant: owner of the custom images and snapshots. */
  owner: string;
  region?: string;
}

interface OsTemplate {
  /** os_distro as NHN writes it / as standard clouds write it (libosinfo-style ids). */
  nhnDistro: string;
  distro: string;
  version: string;
  codename?: string;
  osType: 'linux' | 'windows';
  loginUser: string;
  title: string;
  hasArmBuild: boolean;
  sizeGiB: [number, number];
  minDisk: number;
  minRam: number;
}

const OS_TEMPLATES: readonly OsTemplate[] = [
  {
    nhnDistro: 'Ubuntu',
    distro: 'ubuntu',
    version: '20.04',
    codename: 'focal',
    osType: 'linux',
    loginUser: 'ubuntu',
    title: 'Ubuntu Server 20.04 LTS',
    hasArmBuild: true,
    sizeGiB: [0.6, 2.2],
    minDisk: 10,
    minRam: 0,
  },
  {
    nhnDistro: 'Ubuntu',
    distro: 'ubuntu',
    version: '22.04',
    codename: 'jammy',
    osType: 'linux',
    loginUser: 'ubuntu',
    title: 'Ubuntu Server 22.04 LTS',
    hasArmBuild: true,
    sizeGiB: [0.6, 2.4],
    minDisk: 10,
    minRam: 0,
  },
  {
    nhnDistro: 'Ubuntu',
    distro: 'ubuntu',
    version: '24.04',
    codename: 'noble',
    osType: 'linux',
    loginUser: 'ubuntu',
    title: 'Ubuntu Server 24.04 LTS',
    hasArmBuild: true,
    sizeGiB: [0.6, 2.6],
    minDisk: 10,
    minRam: 0,
  },
  {
    nhnDistro: 'Debian',
    distro: 'debian',
    version: '11',
    codename: 'bullseye',
    osType: 'linux',
    loginUser: 'debian',
    title: 'Debian 11',
    hasArmBuild: true,
    sizeGiB: [0.3, 1.2],
    minDisk: 10,
    minRam: 0,
  },
  {
    nhnDistro: 'Debian',
    distro: 'debian',
    version: '12',
    codename: 'bookworm',
    osType: 'linux',
    loginUser: 'debian',
    title: 'Debian 12',
    hasArmBuild: true,
    sizeGiB: [0.3, 1.4],
    minDisk: 10,
    minRam: 0,
  },
  {
    nhnDistro: 'Rocky',
    distro: 'rocky',
    version: '8.10',
    codename: 'Green Obsidian',
    osType: 'linux',
    loginUser: 'rocky',
    title: 'Rocky Linux 8.10',
    hasArmBuild: true,
    sizeGiB: [1.1, 2.4],
    minDisk: 20,
    minRam: 0,
  },
  {
    nhnDistro: 'Rocky',
    distro: 'rocky',
    version: '9.4',
    codename: 'Blue Onyx',
    osType: 'linux',
    loginUser: 'rocky',
    title: 'Rocky Linux 9.4',
    hasArmBuild: true,
    sizeGiB: [1.0, 2.2],
    minDisk: 20,
    minRam: 0,
  },
  {
    nhnDistro: 'CentOS',
    distro: 'centos',
    version: '7.9',
    codename: 'Core',
    osType: 'linux',
    loginUser: 'centos',
    title: 'CentOS 7.9',
    hasArmBuild: false,
    sizeGiB: [0.9, 1.8],
    minDisk: 20,
    minRam: 0,
  },
  {
    nhnDistro: 'AlmaLinux',
    distro: 'almalinux',
    version: '9.4',
    codename: 'Seafoam Ocelot',
    osType: 'linux',
    loginUser: 'almalinux',
    title: 'AlmaLinux 9.4',
    hasArmBuild: true,
    sizeGiB: [0.9, 2.0],
    minDisk: 20,
    minRam: 0,
  },
  {
    nhnDistro: 'Windows',
    distro: 'windows',
    version: '2019',
    osType: 'windows',
    loginUser: 'Administrator',
    title: 'Windows Server 2019 STD',
    hasArmBuild: false,
    sizeGiB: [9, 16],
    minDisk: 50,
    minRam: 2048,
  },
  {
    nhnDistro: 'Windows',
    distro: 'windows',
    version: '2022',
    osType: 'windows',
    loginUser: 'Administrator',
    title: 'Windows Server 2022 STD',
    hasArmBuild: false,
    sizeGiB: [10, 18],
    minDisk: 50,
    minRam: 2048,
  },
];

/** Driver branches with the CUDA they ship, and the GPU line-ups images are built for. */
const GPU_STACKS = [
  { driver: '535.183.01', cuda: '12.2' },
  { driver: '550.54.15', cuda: '12.4' },
  { driver: '560.35.03', cuda: '12.6' },
  { driver: '570.86.15', cuda: '12.8' },
] as const;
const GPU_MODEL_SETS = ['H100,A100', 'H100', 'A100', 'H200,H100', 'L40S', 'A100,V100', 'T4'] as const;
const GPU_BASE_OS = OS_TEMPLATES.filter(
  (t) => ['22.04', '24.04', '20.04', '9.4'].includes(t.version) && t.distro !== 'almalinux',
);

const CUSTOM_IMAGE_NAMES = [
  'web-frontend-golden',
  'api-gateway-base',
  'ml-training-base',
  'postgres-15-hardened',
  'k8s-worker-node',
  'jupyterhub-gpu',
  'ci-runner',
  'llm-inference-vllm',
  'redis-cache-node',
  'bastion-host',
];
const SERVER_NAMES = [
  'gpu-train-01',
  'gpu-train-02',
  'inference-a',
  'db-primary',
  'web-01',
  'web-02',
  'build-box',
  'notebook-7',
];
const CUSTOM_TAGS = ['golden', 'prod', 'staging', 'ml', 'hardened', 'team-infra', 'team-ml', 'cis-l1'];

type SeedKind = 'public-os' | 'public-gpu' | 'custom' | 'snapshot' | 'shared-out' | 'shared-in' | 'community';

const GIB = 1024 ** 3;
/** Images are spread between these two instants. */
const EPOCH_START = Date.UTC(2022, 0, 1);
const EPOCH_SPAN_MS = Date.UTC(2025, 5, 30) - EPOCH_START;

/**
 * A realistic Glance catalogue for the sandbox and tests: public OS and GPU
 * images from the provider's image project, our custom images and Nova
 * snapshots, shares in both directions, and a few images caught in
 * queued/saving/killed/deactivated. Deterministic for a given seed.
 */
export function generateGlanceSeed(opts: GlanceSeedOptions): GlanceImageRecord[] {
  const rng = new SeedRandom(mixSeed(opts.seed, `${opts.dialect}:${opts.region ?? ''}`));
  const publicOwner = distinctProject(rng, [opts.owner]);
  const otherTenants = [0, 1, 2].map(() => distinctProject(rng, [opts.owner, publicOwner]));
  const plan = planKinds(opts.count, opts.dialect, rng);
  const images: GlanceImageRecord[] = [];
  const publicIds: string[] = [];
  const ctx: SeedContext = { publicOwner, otherTenants, publicIds, sharedIn: 0 };

  for (const kind of plan) {
    const image = buildImage(kind, rng, opts, ctx);
    if (image.visibility === 'public') publicIds.push(image.id);
    images.push(image);
  }
  assignOddStatuses(images, opts.owner, rng);
  hideSupersededPublicBuilds(images, opts.dialect);
  return images;
}

function planKinds(count: number, dialect: GlanceDialect, rng: SeedRandom): SeedKind[] {
  const shares: Array<[SeedKind, number]> = [
    ['public-gpu', 0.16],
    ['custom', 0.15],
    ['snapshot', 0.12],
    ['shared-out', 0.05],
    ['shared-in', 0.05],
    ['community', dialect === 'standard' ? 0.03 : 0],
  ];
  const plan: SeedKind[] = [];
  for (const [kind, share] of shares) plan.push(...Array<SeedKind>(Math.floor(count * share)).fill(kind));
  while (plan.length < count) plan.push('public-os');
  return rng.shuffle(plan.slice(0, count));
}

interface SeedContext {
  publicOwner: string;
  otherTenants: string[];
  publicIds: string[];
  /** Shared-in images built so far. */
  sharedIn: number;
}

function buildImage(kind: SeedKind, rng: SeedRandom, opts: GlanceSeedOptions, ctx: SeedContext): GlanceImageRecord {
  const nhn = opts.dialect === 'nhn';
  const gpu = kind === 'public-gpu' || (kind === 'custom' && rng.chance(0.25));
  const os = gpu ? rng.pick(GPU_BASE_OS) : rng.pick(OS_TEMPLATES);
  const arm = !nhn && os.hasArmBuild && !gpu && rng.chance(0.3);
  const createdMs = EPOCH_START + Math.floor(rng.float() * EPOCH_SPAN_MS);
  const updatedMs = createdMs + rng.int(0, 30 * 86400) * 1000;
  const buildDate = glanceTimestamp(createdMs).slice(0, 10);
  const sizeGiB = os.sizeGiB[0] + rng.float() * (os.sizeGiB[1] - os.sizeGiB[0]) + (gpu ? rng.int(6, 14) : 0);
  const size = Math.round(sizeGiB * GIB);
  const minDisk = gpu ? rng.pick([50, 100]) : nhn && os.osType === 'linux' ? 20 : os.minDisk;
  const stack = rng.pick(GPU_STACKS);
  const models = rng.chance(0.6) ? rng.pick(GPU_MODEL_SETS.slice(0, 2)) : rng.pick(GPU_MODEL_SETS);

  // No gpu_*/cuda_* properties: neither seed documents any. NHN marks GPU images with `nhncloud_product: gpu`
  // (nhnOsProperties) and the name says the rest; standard clouds say it in the name and the tags.
  const extra: Record<string, string> = nhn ? nhnOsProperties(os, gpu) : standardOsProperties(os, arm);
  if (gpu && !nhn) Object.assign(extra, { img_hide_hypervisor_id: 'true', hw_machine_type: 'q35' });

  let name = publicImageName(os, opts.dialect, arm, buildDate, gpu ? { ...stack, models } : undefined);
  let owner = ctx.publicOwner;
  let visibility: GlanceVisibility = 'public';
  let isProtected = rng.chance(0.85);
  let tags: string[] = gpu ? ['gpu', 'nvidia', `cuda-${stack.cuda}`] : [];
  const members: GlanceMemberRecord[] = [];
  const stamp = glanceTimestamp(updatedMs);

  switch (kind) {
    case 'public-os':
    case 'public-gpu':
      break;
    case 'community':
      visibility = 'community';
      owner = rng.pick(ctx.otherTenants);
      isProtected = false;
      name = `${os.distro}-${os.version}-community-${buildDate.replace(/-/g, '')}`;
      break;
    case 'custom':
    case 'shared-out':
      owner = opts.owner;
      visibility = kind === 'custom' ? 'private' : 'shared';
      isProtected = rng.chance(0.2);
      name = `${rng.pick(CUSTOM_IMAGE_NAMES)}-${buildDate.slice(0, 7).replace('-', '.')}`;
      tags = [...new Set([...tags.slice(0, 1), rng.pick(CUSTOM_TAGS), rng.pick(CUSTOM_TAGS)])];
      extra.description = `Built by Packer from ${os.title} on ${buildDate}`;
      if (kind === 'shared-out') {
        for (const tenant of ctx.otherTenants.slice(0, rng.int(1, 2))) {
          members.push({
            member_id: tenant,
            status: rng.pick(['pending', 'accepted', 'accepted'] as const),
            created_at: stamp,
            updated_at: stamp,
          });
        }
      }
      break;
    case 'shared-in':
      owner = rng.pick(ctx.otherTenants);
      visibility = 'shared';
      isProtected = false;
      name = `partner-${rng.pick(CUSTOM_IMAGE_NAMES)}-${buildDate.slice(0, 7).replace('-', '.')}`;
      tags = ['partner'];
      // Most shares are accepted; every fifth (the first included) is still pending and stays out of the default list.
      members.push({
        member_id: opts.owner,
        status: ctx.sharedIn++ % 5 === 0 ? 'pending' : 'accepted',
        created_at: stamp,
        updated_at: stamp,
      });
      break;
    case 'snapshot': {
      const server = rng.pick(SERVER_NAMES);
      owner = opts.owner;
      visibility = 'private';
      isProtected = false;
      name = `${server}-snap-${buildDate.replace(/-/g, '')}`;
      tags = rng.chance(0.3) ? ['backup'] : [];
      Object.assign(extra, {
        image_type: 'snapshot',
        image_location: 'snapshot',
        instance_uuid: rng.uuid(),
        base_image_ref: ctx.publicIds.length > 0 ? rng.pick(ctx.publicIds) : rng.uuid(),
        user_id: rng.hex(32),
        owner_project_name: nhn ? 'default' : 'image-broker',
        boot_roles: 'member,reader',
      });
      if (nhn) extra.description = `Snapshot of ${server}`;
      break;
    }
  }

  const diskFormat = kind === 'snapshot' && !nhn && rng.chance(0.5) ? 'raw' : 'qcow2';
  return {
    id: rng.uuid(),
    name,
    status: 'active',
    visibility,
    owner,
    protected: isProtected,
    os_hidden: false,
    container_format: 'bare',
    disk_format: diskFormat,
    min_disk: minDisk,
    min_ram: gpu ? rng.pick([8192, 16384]) : os.minRam,
    size,
    // NHN reports virtual_size null (see its examples); standard clouds fill it in.
    virtual_size: nhn ? null : diskFormat === 'raw' ? size : minDisk * GIB,
    checksum: rng.hex(32),
    os_hash_algo: 'sha512',
    os_hash_value: rng.hex(128),
    tags,
    created_at: glanceTimestamp(createdMs),
    updated_at: glanceTimestamp(updatedMs),
    extra,
    members,
  };
}

function nhnOsProperties(os: OsTemplate, gpu: boolean): Record<string, string> {
  return {
    os_type: os.osType,
    os_distro: os.nhnDistro,
    os_version: os.version,
    os_architecture: 'amd64',
    login_username: os.loginUser,
    hypervisor_type: 'qemu',
    nhncloud_product: gpu ? 'gpu' : 'compute',
    description: os.codename ? `${os.title} (${os.codename})` : os.title,
  };
}

function standardOsProperties(os: OsTemplate, arm: boolean): Record<string, string> {
  const props: Record<string, string> = {
    os_type: os.osType,
    os_distro: os.distro,
    os_version: os.version,
    architecture: arm ? 'aarch64' : 'x86_64',
    hw_disk_bus: 'scsi',
    hw_scsi_model: 'virtio-scsi',
    hw_qemu_guest_agent: 'yes',
    os_require_quiesce: 'yes',
  };
  if (hasReleaseCodename(os)) props.os_codename = os.codename;
  if (os.osType === 'linux') props.os_admin_user = os.loginUser;
  // ARM guests and Windows 2022 want UEFI firmware.
  if (arm || os.version === '2022') props.hw_firmware_type = 'uefi';
  return props;
}

function publicImageName(
  os: OsTemplate,
  dialect: GlanceDialect,
  arm: boolean,
  buildDate: string,
  gpu: { driver: string; cuda: string; models: string } | undefined,
): string {
  if (dialect === 'nhn') {
    // NHN style: "CentOS 6.10 (2018.10.23)"; GPU builds say their GPUs, driver and CUDA in the name,
    // the only place NHN's documented fields leave for them (read by glance-gpu-name.ts).
    const base = `${os.title} (${buildDate.replace(/-/g, '.')})`;
    return gpu ? `${base} - NVIDIA ${gpu.models.split(',').join('/')} GPU Driver ${gpu.driver} CUDA ${gpu.cuda}` : base;
  }
  const arch = arm ? 'aarch64' : 'x86_64';
  const flavour = hasReleaseCodename(os)
    ? `${os.distro}-${os.version}-${os.codename}`
    : os.osType === 'windows'
      ? `windows-server-${os.version}`
      : `${os.distro}-${os.version}`;
  const base = `${flavour}-${arch}-${buildDate.replace(/-/g, '')}`;
  return gpu ? `${base}-nvidia-${gpu.driver.split('.')[0]}-cuda-${gpu.cuda}` : base;
}

/** Ubuntu and Debian name releases by codename (jammy, bookworm); the RHEL family's codenames are trivia. */
function hasReleaseCodename(os: OsTemplate): os is OsTemplate & { codename: string } {
  return os.codename !== undefined && (os.distro === 'ubuntu' || os.distro === 'debian');
}

/** A handful of our own images are mid-flight or broken, as on any real tenant. */
function assignOddStatuses(images: GlanceImageRecord[], owner: string, rng: SeedRandom): void {
  const ours = images.filter((image) => image.owner === owner && image.visibility === 'private');
  const odd: GlanceImageStatus[] = ['queued', 'saving', 'killed', 'deactivated'];
  const quota = Math.max(1, Math.floor(images.length / 40));
  const victims = rng.shuffle([...ours]).slice(0, Math.min(ours.length, quota * odd.length));
  victims.forEach((image, i) => {
    const status = odd[i % odd.length];
    image.status = status;
    if (status === 'deactivated') return;
    // Without data Glance knows neither size nor hashes.
    image.size = null;
    image.virtual_size = null;
    image.checksum = null;
    image.os_hash_algo = null;
    image.os_hash_value = null;
  });
}

/** Standard Glance: older public builds of the same OS are os_hidden, as operators do for rebuild-only images. */
function hideSupersededPublicBuilds(images: GlanceImageRecord[], dialect: GlanceDialect): void {
  if (dialect !== 'standard') return;
  const latest = new Map<string, GlanceImageRecord>();
  const publicOs = images.filter((i) => i.visibility === 'public' && !i.tags.includes('gpu'));
  for (const image of publicOs) {
    const key = `${image.extra.os_distro}:${image.extra.os_version}:${image.extra.architecture}`;
    const current = latest.get(key);
    if (!current || current.created_at < image.created_at) latest.set(key, image);
  }
  // Hide only a few so that the default list still carries nearly everything.
  const superseded = publicOs.filter(
    (image) => latest.get(`${image.extra.os_distro}:${image.extra.os_version}:${image.extra.architecture}`) !== image,
  );
  superseded
    .sort((a, b) => (a.created_at < b.created_at ? -1 : 1))
    .slice(0, Math.max(1, Math.floor(images.length / 40)))
    .forEach((image) => {
      image.os_hidden = true;
    });
}

function distinctProject(rng: SeedRandom, taken: string[]): string {
  let project = rng.hex(32);
  while (taken.includes(project)) project = rng.hex(32);
  return project;
}
