import { mixSeed, SeedRandom } from '../../../emulator-kit/seed-random';
import type { NscaleImage, NscaleImageRecord, NscaleImageState, NscaleTag, NscaleVirtualization } from './nscale.types';
import { nscaleTimestamp } from './nscale.types';

export interface NscaleSeedOptions {
  count: number;
  /** Same seed, regions and organization → the same images, ids included. */
  seed: number;
  /** Images are spread round-robin over these regions. */
  regionIds: readonly string[];
  /** "Our" organization: owner of the custom images. */
  organizationId: string;
}

const UBUNTU = [
  { version: '22.04', codename: 'jammy', short: 'ubu2204' },
  { version: '24.04', codename: 'noble', short: 'ubu2404' },
] as const;

/** NVIDIA driver branches with the CUDA release built against them (softwareVersions are semver, `v`-prefixed). */
const GPU_STACKS = [
  { driver: '535.230.02', cuda: 'v12.2.2' },
  { driver: '550.144.03', cuda: 'v12.4.1' },
  { driver: '570.133.20', cuda: 'v12.8.1' },
] as const;
const GPU_MODEL_SETS: readonly (readonly string[])[] = [
  ['H100'],
  ['H200'],
  ['H100', 'H200'],
  ['A100'],
  ['A100', 'H100', 'H200'],
  ['L40S'],
];
const KUBERNETES = ['v1.29.14', 'v1.30.10', 'v1.31.6', 'v1.32.2'];
const SLURM = ['v23.11.10', 'v24.05.5', 'v24.11.1'];

const CUSTOM_NAMES = [
  'llm-finetune',
  'vllm-inference',
  'jupyter-gpu',
  'training-base',
  'triton-serving',
  'rag-worker',
  'ci-runner-gpu',
];
const TEAMS = ['ml-platform', 'research', 'inference', 'infra'];
const ENVIRONMENTS = ['prod', 'staging', 'dev'];
const AUTHORS = ['alice@example.com', 'bob@example.com', 'carol@example.com', 'ci-bot@example.com'];

/** What nscale publishes for everyone, and what organizations build for themselves. */
type SeedKind = 'base' | 'gpu' | 'cuda' | 'kubernetes' | 'slurm' | 'owned' | 'foreign';

const SHARES: ReadonlyArray<[SeedKind, number]> = [
  ['owned', 0.2],
  ['foreign', 0.08],
  ['base', 0.06],
  ['gpu', 0.14],
  ['cuda', 0.12],
  ['slurm', 0.1],
  // The rest: Kubernetes node images, nscale's largest family (the seed's own example is one).
];

/** Images are spread between these two instants. */
const EPOCH_START = Date.UTC(2023, 0, 1);
const EPOCH_SPAN_MS = Date.UTC(2025, 8, 30) - EPOCH_START;

/**
 * A realistic nscale catalogue for the sandbox and tests: global Ubuntu 22.04 /
 * 24.04 images with NVIDIA drivers 535/550/570 for H100, H200, A100 and L40S,
 * many with Kubernetes, Slurm or CUDA preinstalled; the organization's own
 * images; another organization's images the caller must never see; and a few
 * images pending, creating or failed. Deterministic; about 40,000 images a second.
 */
export function generateNscaleSeed(opts: NscaleSeedOptions): NscaleImageRecord[] {
  if (opts.regionIds.length === 0) throw new RangeError('generateNscaleSeed needs at least one region');
  const rng = new SeedRandom(mixSeed(opts.seed, `${opts.organizationId}:${opts.regionIds.join(',')}`));
  const foreignOrganization = rng.uuid();
  const records = planKinds(opts.count, rng).map((kind, index) => {
    const regionId = opts.regionIds[index % opts.regionIds.length];
    const owner = kind === 'owned' ? opts.organizationId : kind === 'foreign' ? foreignOrganization : null;
    return { regionId, organizationId: owner, image: buildImage(kind, rng) };
  });
  assignOddStates(records, rng);
  return records;
}

function planKinds(count: number, rng: SeedRandom): SeedKind[] {
  const plan: SeedKind[] = [];
  for (const [kind, share] of SHARES) for (let i = Math.floor(count * share); i > 0; i--) plan.push(kind);
  while (plan.length < count) plan.push('kubernetes');
  return rng.shuffle(plan.slice(0, count));
}

function buildImage(kind: SeedKind, rng: SeedRandom): NscaleImage {
  const ubuntu = rng.pick(UBUNTU);
  const stack = rng.pick(GPU_STACKS);
  const custom = kind === 'owned' || kind === 'foreign';
  // Organizations build on top of one of the published flavours.
  const flavour: SeedKind = custom ? rng.pick(['gpu', 'cuda', 'kubernetes', 'slurm'] as const) : kind;
  const hasGpu = flavour !== 'base';
  const arm = hasGpu && rng.chance(0.05);
  const software = softwareFor(flavour, stack.cuda, rng);
  const hash = rng.hex(8);
  const createdMs = EPOCH_START + Math.floor(rng.float() * EPOCH_SPAN_MS);

  const image: NscaleImage = {
    metadata: {
      id: rng.uuid(),
      name: custom ? customName(rng, hash) : publishedName(flavour, ubuntu.short, stack.driver, software, arm, hash),
      creationTime: nscaleTimestamp(createdMs),
    },
    spec: {
      architecture: arm ? 'aarch64' : 'x86_64',
      sizeGiB: sizeFor(flavour, rng),
      virtualization: hasGpu
        ? rng.pick<NscaleVirtualization>(['virtualized', 'virtualized', 'baremetal', 'any'])
        : 'any',
      os: {
        kernel: 'linux',
        family: 'debian',
        distro: 'ubuntu',
        variant: 'server',
        codename: ubuntu.codename,
        version: ubuntu.version,
      },
    },
    status: { state: 'ready' },
  };
  if (software) image.spec.softwareVersions = software;
  if (hasGpu)
    image.spec.gpu = {
      vendor: 'NVIDIA',
      driver: stack.driver,
      models: [...(arm ? ['H100'] : rng.pick(GPU_MODEL_SETS))],
    };
  if (custom) decorateCustom(image, rng, createdMs);
  else if (rng.chance(0.3)) image.metadata.modifiedTime = nscaleTimestamp(createdMs + rng.int(1, 60) * 86_400_000);
  return image;
}

function softwareFor(flavour: SeedKind, cuda: string, rng: SeedRandom): Record<string, string> | undefined {
  switch (flavour) {
    case 'cuda':
      return { cuda };
    case 'kubernetes':
      return rng.chance(0.5) ? { kubernetes: rng.pick(KUBERNETES) } : { kubernetes: rng.pick(KUBERNETES), cuda };
    case 'slurm':
      return { slurm: rng.pick(SLURM), cuda };
    default:
      return undefined;
  }
}

/** The seed's naming: `ubu2204-v1.25.6-gpu-525.85.05-7ced4154`. */
function publishedName(
  flavour: SeedKind,
  os: string,
  driver: string,
  software: Record<string, string> | undefined,
  arm: boolean,
  hash: string,
): string {
  const base = arm ? `${os}-aarch64` : os;
  switch (flavour) {
    case 'base':
      return `${base}-${hash}`;
    case 'kubernetes':
      return `${base}-${software?.kubernetes}-gpu-${driver}-${hash}`;
    case 'slurm':
      return `${base}-slurm-${software?.slurm}-gpu-${driver}-${hash}`;
    case 'cuda':
      return `${base}-cuda-${software?.cuda}-gpu-${driver}-${hash}`;
    default:
      return `${base}-gpu-${driver}-${hash}`;
  }
}

function customName(rng: SeedRandom, hash: string): string {
  return `${rng.pick(CUSTOM_NAMES)}-${rng.pick(ENVIRONMENTS)}-${hash}`;
}

function sizeFor(flavour: SeedKind, rng: SeedRandom): number {
  if (flavour === 'base') return rng.pick([10, 20]);
  if (flavour === 'gpu') return rng.pick([20, 30]);
  return rng.pick([30, 40, 50, 80]);
}

function decorateCustom(image: NscaleImage, rng: SeedRandom, createdMs: number): void {
  const author = rng.pick(AUTHORS);
  const tags: NscaleTag[] = [{ name: 'team', value: rng.pick(TEAMS) }];
  if (rng.chance(0.6)) tags.push({ name: 'environment', value: rng.pick(ENVIRONMENTS) });
  if (rng.chance(0.3)) tags.push({ name: 'cost-centre', value: `cc-${rng.int(100, 999)}` });
  image.metadata.description = `Built by Packer on ${nscaleTimestamp(createdMs).slice(0, 10)}`;
  image.metadata.tags = tags;
  image.metadata.createdBy = author;
  if (rng.chance(0.4)) {
    image.metadata.modifiedTime = nscaleTimestamp(createdMs + rng.int(1, 30) * 86_400_000);
    image.metadata.modifiedBy = rng.chance(0.5) ? author : rng.pick(AUTHORS);
  }
}

/**
 * Organization images are sometimes still being built or broken; now and then a
 * global image is caught mid-rollout. Quotas, not chances, so every catalogue
 * of a fair size has each state.
 */
function assignOddStates(records: NscaleImageRecord[], rng: SeedRandom): void {
  const odd: NscaleImageState[] = ['pending', 'creating', 'failed'];
  const custom = rng.shuffle(records.filter((r) => r.organizationId !== null));
  const quota = Math.max(1, Math.floor(records.length / 60));
  custom.slice(0, Math.min(custom.length, quota * odd.length)).forEach((record, i) => {
    record.image.status.state = odd[i % odd.length];
  });
  const global = records.filter((r) => r.organizationId === null);
  for (let i = 0; i < Math.floor(global.length / 200); i++) rng.pick(global).image.status.state = 'creating';
}
