import { SeedRandom } from '../../../emulator-kit/seed-random';
import { GENESIS_REGIONS, type GenesisImageRecord, type GenesisImageType } from './genesis.types';

export interface GenesisSeedOptions {
  /** Exactly this many images. */
  count: number;
  /** Same seed and options → the same images, ids included. */
  seed: number;
  /** Regions to spread images over; Genesis' own when omitted. The first is the one most images are in. */
  regions?: readonly string[];
  /** Start with the four images of Genesis' List Images example, verbatim (default true). */
  documentedExamples?: boolean;
}

/** The `images` of Genesis' "List Images" response example, verbatim. */
export const GENESIS_DOCUMENTED_IMAGES: readonly GenesisImageRecord[] = [
  {
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
  },
  {
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
  },
  {
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
  },
  {
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
  },
];

interface PublicTemplate {
  type: Exclude<GenesisImageType, 'snapshot'>;
  family: string;
  slug: string;
  name: string;
}

/** Genesis' public catalogue besides the documented cloud-images: OS bases, ML cloud-images, driver/framework stacks. */
const PUBLIC_TEMPLATES: readonly PublicTemplate[] = [
  { type: 'base-os', family: 'Ubuntu', slug: 'ubuntu-20.04', name: 'Ubuntu 20.04' },
  { type: 'base-os', family: 'Ubuntu', slug: 'ubuntu-22.04', name: 'Ubuntu 22.04' },
  { type: 'base-os', family: 'Ubuntu', slug: 'ubuntu-24.04', name: 'Ubuntu 24.04' },
  { type: 'base-os', family: 'Debian', slug: 'debian-11', name: 'Debian 11' },
  { type: 'base-os', family: 'Debian', slug: 'debian-12', name: 'Debian 12' },
  {
    type: 'cloud-image',
    family: 'Ubuntu ML',
    slug: 'ubuntu-ml-nvidia-tensorflow',
    name: 'Ubuntu ML TensorFlow for NVIDIA®',
  },
  { type: 'cloud-image', family: 'Debian', slug: 'debian-11', name: 'Debian 11' },
  {
    type: 'preconfigured',
    family: 'Ubuntu',
    slug: 'ubuntu-20.04-nvidia-535-cuda-12.2',
    name: 'Ubuntu 20.04 + NVIDIA driver 535 + CUDA 12.2',
  },
  {
    type: 'preconfigured',
    family: 'Ubuntu',
    slug: 'ubuntu-22.04-nvidia-550-cuda-12.4',
    name: 'Ubuntu 22.04 + NVIDIA driver 550 + CUDA 12.4',
  },
  {
    type: 'preconfigured',
    family: 'Ubuntu',
    slug: 'ubuntu-24.04-nvidia-560-cuda-12.6',
    name: 'Ubuntu 24.04 + NVIDIA driver 560 + CUDA 12.6',
  },
  {
    type: 'preconfigured',
    family: 'Ubuntu',
    slug: 'pytorch-2.3-ubuntu-22.04',
    name: 'PyTorch 2.3 (Ubuntu 22.04, CUDA 12.4)',
  },
  {
    type: 'preconfigured',
    family: 'Ubuntu',
    slug: 'tensorflow-2.16-ubuntu-22.04',
    name: 'TensorFlow 2.16 (Ubuntu 22.04, CUDA 12.4)',
  },
];

/** Families a snapshot inherits from the image its instance ran. */
const SNAPSHOT_FAMILIES = ['Ubuntu', 'Ubuntu', 'Ubuntu', 'Ubuntu ML', 'Debian'] as const;
const SERVER_NAMES = [
  'gpu-train-01',
  'gpu-train-02',
  'inference-a',
  'jupyter-lab',
  'llm-finetune',
  'render-node-3',
  'dev-box',
];

const DAY_MS = 86_400_000;
const PUBLIC_SINCE = Date.UTC(2022, 5, 1);
const SNAPSHOT_SINCE = Date.UTC(2024, 0, 1);
const UNTIL = Date.UTC(2025, 5, 30);
/** Share of the images past the catalogue that are snapshots; the rest are superseded public builds. */
const SNAPSHOT_SHARE = 0.75;

/**
 * A realistic Genesis account for the sandbox, tests and benchmarks: the
 * documented example images, the public catalogue once, then the account's
 * snapshots and older builds of public images up to `count`. Deterministic for
 * a given seed, and linear in `count` (10,000 images in a few milliseconds).
 */
export function generateGenesisSeed(opts: GenesisSeedOptions): GenesisImageRecord[] {
  if (!Number.isInteger(opts.count) || opts.count < 0) throw new RangeError('count must be a non-negative integer');
  const regions = opts.regions && opts.regions.length > 0 ? [...opts.regions] : [...GENESIS_REGIONS];
  const rng = new SeedRandom(opts.seed);
  const images: GenesisImageRecord[] = [];
  const documented = (opts.documentedExamples ?? true) ? GENESIS_DOCUMENTED_IMAGES : [];

  for (const example of documented.slice(0, opts.count)) images.push(copyOf(example));
  for (const template of PUBLIC_TEMPLATES) {
    if (images.length >= opts.count) break;
    images.push(publicImage(template, rng, regions));
  }
  const rest: GenesisImageRecord[] = [];
  while (images.length + rest.length < opts.count) {
    rest.push(
      rng.chance(SNAPSHOT_SHARE) ? snapshot(rng, regions) : publicImage(rng.pick(PUBLIC_TEMPLATES), rng, regions),
    );
  }
  return images.concat(rng.shuffle(rest));
}

function publicImage(template: PublicTemplate, rng: SeedRandom, regions: string[]): GenesisImageRecord {
  const createdMs = rng.between(PUBLIC_SINCE, UNTIL - 30 * DAY_MS);
  const updatedMs = Math.min(UNTIL, createdMs + rng.int(0, 180) * DAY_MS + rng.int(0, DAY_MS));
  return {
    id: rng.uuid(),
    type: template.type,
    family: template.family,
    slug: template.slug,
    name: template.name,
    os_type: 'linux',
    regions: publicRegions(rng, regions),
    versions: template.type === 'cloud-image' ? buildVersions(template, rng, createdMs) : [],
    created_at: iso(createdMs),
    updated_at: iso(updatedMs),
  };
}

function snapshot(rng: SeedRandom, regions: string[]): GenesisImageRecord {
  const createdMs = rng.between(SNAPSHOT_SINCE, UNTIL);
  const server = rng.pick(SERVER_NAMES);
  const day = iso(createdMs).slice(0, 10);
  return {
    id: rng.uuid(),
    type: 'snapshot',
    family: rng.pick(SNAPSHOT_FAMILIES),
    slug: null,
    name: rng.chance(0.5) ? `${server}-${day}` : `${server} snapshot ${rng.int(1, 40)}`,
    os_type: 'linux',
    // A snapshot lives where its instance ran; instances mostly run in the first region.
    regions: [rng.chance(0.7) ? regions[0] : rng.pick(regions)],
    versions: [],
    created_at: iso(createdMs),
    // Snapshotting takes minutes; the record is updated when it is done.
    updated_at: iso(createdMs + rng.int(60_000, 20 * 60_000)),
  };
}

/** Every public image is in the first region; each other region carries it with even odds. */
function publicRegions(rng: SeedRandom, regions: string[]): string[] {
  const [main, ...others] = regions;
  return [main, ...others.filter(() => rng.chance(0.5))];
}

/** Cloud-image build ids, newest first: Ubuntu's YYYYMMDD, Debian's YYYYMMDD-NNNN. */
function buildVersions(template: PublicTemplate, rng: SeedRandom, createdMs: number): string[] {
  const versions: string[] = [];
  let buildMs = createdMs - rng.int(1, 30) * DAY_MS;
  for (let i = rng.int(1, 3); i > 0; i--) {
    const stamp = iso(buildMs).slice(0, 10).replace(/-/g, '');
    versions.push(template.family === 'Debian' ? `${stamp}-${rng.int(1000, 1999)}` : stamp);
    buildMs -= rng.int(20, 90) * DAY_MS;
  }
  return versions;
}

function copyOf(image: GenesisImageRecord): GenesisImageRecord {
  return { ...image, regions: [...image.regions], versions: [...image.versions] };
}

/** Genesis timestamps: ISO 8601 with milliseconds and Z. */
function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
