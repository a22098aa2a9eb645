import type { ImageGpu } from '../../port/normalized-image';
import { lowerCaseText, scalarText, trimmedText } from './payload-values';

/** Lower-cased, so `gpuVendor=nvidia` finds images whatever case each provider writes. */
export function gpuVendor(value: unknown): string | null {
  return lowerCaseText(value);
}

/** Model names upper-cased (`h100` → `H100`) so they compare across providers; blank and non-string entries are dropped. */
export function gpuModels(items: readonly unknown[]): string[] {
  const models: string[] = [];
  for (const item of items) {
    const model = trimmedText(item)?.toUpperCase();
    if (model !== undefined) models.push(model);
  }
  return models;
}

/** A list given as an array or, as key/value image properties carry lists, comma-separated text; else empty. */
export function listItems(value: unknown): readonly unknown[] {
  if (Array.isArray(value)) return value;
  return typeof value === 'string' ? value.split(',') : [];
}

/** The GPU a flat key/value payload describes (vendor, driver and a model list), whether or not it names any. */
export function gpuFromProperties(vendor: unknown, driver: unknown, models: unknown): ImageGpu {
  return { vendor: gpuVendor(vendor), driver: scalarText(driver), models: gpuModels(listItems(models)) };
}

/** Whether the payload named a vendor, a driver or a model: otherwise there is no GPU to speak of. */
export function hasGpuDetails(gpu: ImageGpu): boolean {
  return gpu.vendor !== null || gpu.driver !== null || gpu.models.length > 0;
}
