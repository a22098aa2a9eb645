import type { ImageGpu } from '../../port/normalized-image';

/**
 * GPU facts read from an image name, for NHN Cloud, whose guide documents no
 * GPU property: only `nhncloud_product` (`gpu` for a GPU-instance image) and
 * the name. The rule reads what a name states and nothing else:
 * - models: whole words naming an NVIDIA data-centre GPU (H100, A100, L40S …);
 * - driver: the version after "Driver" ("GPU Driver 550.54.15");
 * - vendor: `nvidia` when the name says NVIDIA or CUDA or names one of those models;
 * - CUDA: the version after "CUDA".
 * docs/providers.md carries the same table; keep the two in step.
 */

/** Longest first, so that "L40S" is read before "L40" and "L4". */
const NVIDIA_MODELS = [
  'L40S',
  'B200',
  'H200',
  'H100',
  'A100',
  'V100',
  'P100',
  'L40',
  'A40',
  'A30',
  'A10',
  'P40',
  'L4',
  'T4',
];

// Each pattern is linear: one bounded token each, no nested quantifiers.
const MODEL_PATTERN = new RegExp(`(?<![A-Za-z0-9])(${NVIDIA_MODELS.join('|')})(?![A-Za-z0-9])`, 'gi');
const DRIVER_PATTERN = /\bdriver[\s-]*v?(\d{1,4}(?:\.\d{1,4}){0,3})\b/i;
const CUDA_PATTERN = /\bcuda[\s-]*(\d{1,3}(?:\.\d{1,3}){1,2})\b/i;
const NVIDIA_WORD = /\b(?:nvidia|cuda)\b/i;

export interface GpuFromName {
  gpu: ImageGpu;
  cuda: string | null;
}

export function gpuFromImageName(name: unknown): GpuFromName {
  const text = typeof name === 'string' ? name : '';
  const models: string[] = [];
  for (const match of text.matchAll(MODEL_PATTERN)) {
    const model = match[1].toUpperCase();
    if (!models.includes(model)) models.push(model);
  }
  const vendor = models.length > 0 || NVIDIA_WORD.test(text) ? 'nvidia' : null;
  return {
    gpu: { vendor, driver: DRIVER_PATTERN.exec(text)?.[1] ?? null, models },
    cuda: CUDA_PATTERN.exec(text)?.[1] ?? null,
  };
}
