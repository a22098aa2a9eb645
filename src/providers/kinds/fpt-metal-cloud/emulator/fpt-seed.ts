import { mixSeed, SeedRandom } from '../../../emulator-kit/seed-random';
import type { FptCustomImageRecord, FptCustomImageStatus, FptPublicImageRecord } from './fpt.types';
import { fptTimestamp } from './fpt.types';

export interface FptSeedOptions {
  /** Public plus custom images; about 30% public. */
  count: number;
  /** Same seed and VPC → the same images, ids included. */
  seed: number;
  vpcId: string;
}

export interface FptSeed {
  publicImages: FptPublicImageRecord[];
  customImages: FptCustomImageRecord[];
}

interface OsTemplate {
  name: string;
  version: string;
  title: string;
  sizeGiB: [number, number];
}

interface GpuStack {
  driver: string;
  cuda: string;
  /** Builds with this driver appear from this date on. */
  sinceMs: number;
}

interface PublicTemplate {
  os: OsTemplate;
  /** null: plain OS, no NVIDIA stack (FPT installs it at provisioning or the user does). */
  stack: GpuStack | null;
  application: { label: string; versions: Record<string, string> } | null;
}

const UBUNTU_2204: OsTemplate = { name: 'Ubuntu', version: '22.04', title: 'Ubuntu 22.04 LTS', sizeGiB: [6, 12] };
const UBUNTU_2404: OsTemplate = { name: 'Ubuntu', version: '24.04', title: 'Ubuntu 24.04 LTS', sizeGiB: [6, 13] };
const ROCKY_94: OsTemplate = { name: 'Rocky Linux', version: '9.4', title: 'Rocky Linux 9.4', sizeGiB: [4, 10] };
const ROCKY_95: OsTemplate = { name: 'Rocky Linux', version: '9.5', title: 'Rocky Linux 9.5', sizeGiB: [4, 10] };

/** NVIDIA data-center driver branches for Hopper and the CUDA each ships with. */
const STACK_550_A: GpuStack = { driver: '550.127.05', cuda: '12.4', sinceMs: Date.UTC(2024, 9, 22) };
const STACK_550_B: GpuStack = { driver: '550.144.03', cuda: '12.4', sinceMs: Date.UTC(2025, 0, 16) };
const STACK_570_A: GpuStack = { driver: '570.86.15', cuda: '12.8', sinceMs: Date.UTC(2025, 0, 30) };
const STACK_570_B: GpuStack = { driver: '570.124.06', cuda: '12.8', sinceMs: Date.UTC(2025, 2, 5) };

const DOCKER = {
  label: 'Docker + NVIDIA Container Toolkit',
  versions: { docker_version: '27.3.1', nvidia_container_toolkit_version: '1.17.4' },
};
const KUBERNETES = {
  label: 'Kubernetes GPU Operator',
  versions: { kubernetes_version: '1.31.4', gpu_operator_version: '24.9.2' },
};

/** Every combination appears once before any repeats, so small seeds still cover the catalogue. */
const PUBLIC_TEMPLATES: readonly PublicTemplate[] = [
  { os: UBUNTU_2204, stack: STACK_550_A, application: null },
  { os: UBUNTU_2204, stack: STACK_570_A, application: null },
  { os: UBUNTU_2404, stack: STACK_550_B, application: null },
  { os: UBUNTU_2404, stack: STACK_570_B, application: null },
  { os: ROCKY_94, stack: STACK_550_A, application: null },
  { os: ROCKY_95, stack: null, application: null },
  { os: UBUNTU_2204, stack: STACK_550_B, application: DOCKER },
  { os: UBUNTU_2404, stack: STACK_570_A, application: KUBERNETES },
  { os: ROCKY_95, stack: STACK_570_B, application: null },
  { os: UBUNTU_2204, stack: STACK_570_B, application: null },
];

const HOPPER_MODELS: readonly (readonly string[])[] = [['H100'], ['H200'], ['H100', 'H200']];

const CUSTOM_NAMES = [
  'llm-train-base',
  'vllm-inference',
  'slurm-compute-node',
  'pytorch-2.5-nccl',
  'triton-server',
  'k8s-gpu-worker',
  'jupyter-gpu',
  'megatron-lm',
  'deepspeed-base',
  'cis-hardened-ubuntu',
];
const SERVER_NAMES = ['hgx-h100-01', 'hgx-h100-02', 'hgx-h200-01', 'train-node-7', 'infer-node-3'];

/** Spread of custom-image statuses: mostly finished, some mid-flight, some broken. */
const CUSTOM_STATUS_WEIGHTS: readonly [FptCustomImageStatus, number][] = [
  ['active', 0.8],
  ['pending', 0.05],
  ['uploading', 0.05],
  ['processing', 0.02],
  ['failed', 0.08],
];
const FAILURES = [
  'SHA256 mismatch: the uploaded file does not match the registered checksum.',
  'The upload was not completed before the presigned URLs expired.',
  'The image could not be converted: unsupported disk format.',
];

const GIB = 1024 ** 3;
const EPOCH_END = Date.UTC(2025, 5, 30);
const CUSTOM_EPOCH_START = Date.UTC(2024, 10, 1);

/**
 * A realistic FPT Metal Cloud catalogue for the sandbox and tests: FPT's Hopper
 * OS images (Ubuntu 22.04/24.04 with NVIDIA 550/570 and CUDA, Rocky 9, a few
 * application images, older builds deprecated) and the VPC's custom images in
 * every upload state. Deterministic for a seed; linear in `count`.
 */
export function generateFptSeed(opts: FptSeedOptions): FptSeed {
  const count = Math.max(0, Math.floor(opts.count));
  const publicCount = count === 0 ? 0 : Math.min(count, Math.max(1, Math.round(count * 0.3)));
  const rng = new SeedRandom(mixSeed(opts.seed, opts.vpcId));
  const publicImages: FptPublicImageRecord[] = [];
  for (let i = 0; i < publicCount; i++)
    publicImages.push(publicImage(PUBLIC_TEMPLATES[i % PUBLIC_TEMPLATES.length], i, rng));
  const customImages: FptCustomImageRecord[] = [];
  for (let i = 0; i < count - publicCount; i++) customImages.push(customImage(i, rng, opts.vpcId));
  return { publicImages, customImages };
}

function publicImage(template: PublicTemplate, index: number, rng: SeedRandom): FptPublicImageRecord {
  const { os, stack, application } = template;
  const since = stack?.sinceMs ?? Date.UTC(2024, 10, 12);
  const createdMs = since + Math.floor((rng.int(0, 1000) / 1000) * (EPOCH_END - since));
  const updatedMs = createdMs + rng.int(0, 14) * 86_400_000;
  const build = fptTimestamp(createdMs).slice(0, 10).replace(/-/g, '');
  const parts = [
    os.title,
    ...(stack ? [`NVIDIA ${stack.driver}`, `CUDA ${stack.cuda}`] : []),
    ...(application ? [application.label] : []),
  ];
  const models = [...rng.pick(HOPPER_MODELS)];
  const image: FptPublicImageRecord = {
    id: rng.uuid(),
    name: `${parts.join(' | ')} | ${build}`,
    description: describe(template, models),
    image_type: application ? 'application' : 'base',
    os_type: 'linux',
    os_name: os.name,
    os_version: os.version,
    architecture: 'x86_64',
    gpu_vendor: stack ? 'NVIDIA' : null,
    gpu_generation: 'Hopper',
    gpu_models: models,
    driver_version: stack?.driver ?? null,
    cuda_version: stack?.cuda ?? null,
    size: Math.round((rng.int(os.sizeGiB[0] * 100, os.sizeGiB[1] * 100) / 100) * GIB),
    // The first pass over the templates is the current catalogue; later builds are older ones FPT retired.
    status: index >= PUBLIC_TEMPLATES.length && rng.chance(0.25) ? 'deprecated' : 'active',
    created_at: fptTimestamp(createdMs),
    updated_at: fptTimestamp(updatedMs),
  };
  if (application) Object.assign(image, application.versions);
  return image;
}

function describe(template: PublicTemplate, models: string[]): string {
  const target = `NVIDIA Hopper ${models.join('/')} bare-metal servers`;
  if (!template.stack) return `${template.os.title} for ${target}; no GPU driver preinstalled.`;
  const extra = template.application ? `, ${template.application.label}` : '';
  return `${template.os.title} for ${target} with NVIDIA driver ${template.stack.driver}, CUDA ${template.stack.cuda}, Fabric Manager${extra}.`;
}

function customImage(index: number, rng: SeedRandom, vpcId: string): FptCustomImageRecord {
  const status = weighted(rng, CUSTOM_STATUS_WEIGHTS);
  const createdMs = CUSTOM_EPOCH_START + rng.int(0, 1_000_000) * ((EPOCH_END - CUSTOM_EPOCH_START) / 1_000_000);
  const updatedMs = createdMs + (status === 'pending' ? 0 : rng.int(60, 7200) * 1000);
  const synced = status === 'active' && rng.chance(0.5);
  return {
    id: rng.uuid(),
    name: `${CUSTOM_NAMES[index % CUSTOM_NAMES.length]}-v${Math.floor(index / CUSTOM_NAMES.length) + 1}`,
    description: rng.chance(0.6) ? `Captured from ${rng.pick(SERVER_NAMES)}` : '',
    size: rng.int(2 * 1024, 80 * 1024) * 1024 * 1024,
    sha256: rng.hex(64),
    status,
    vpc_id: vpcId,
    synced_at: synced ? fptTimestamp(updatedMs + rng.int(60, 3600) * 1000) : null,
    error_message: status === 'failed' ? rng.pick(FAILURES) : null,
    created_at: fptTimestamp(Math.floor(createdMs)),
    updated_at: fptTimestamp(Math.floor(updatedMs)),
  };
}

function weighted<T>(rng: SeedRandom, weights: readonly [T, number][]): T {
  let draw = rng.int(0, 9999) / 10000;
  for (const [value, weight] of weights) {
    if (draw < weight) return value;
    draw -= weight;
  }
  return weights[0][0];
}
