import type {
  ImageChecksums,
  ImageGpu,
  ImageKind,
  ImageOs,
  ImageStatus,
  NormalizedImage,
} from '../../port/normalized-image';
import { gpuFromProperties, hasGpuDetails } from '../shared/gpu-normalization';
import { distroAndFamily, normalizeArchitecture, osType } from '../shared/os-normalization';
import { lookup, lowerCaseText, parseDate, scalarText, trimmedText } from '../shared/payload-values';
import { softwareVersionsFromKeys } from '../shared/software-versions';
import {
  type FptCustomImagePayload,
  type FptImageItemPayload,
  type FptPublicImagePayload,
  FPT_MAPPED_KEYS,
  fptImageId,
} from './fpt-image.payload';

/** Which list the item came from: FPT says public vs custom by endpoint, not in the item. */
export type FptImageSource = 'public' | 'custom';

export interface FptTranslationContext {
  region: string;
  source: FptImageSource;
}

type FptAnyImagePayload = FptPublicImagePayload & FptCustomImagePayload;

/**
 * FPT Metal Cloud image item → NormalizedImage. The rules are tabulated in
 * docs/providers/fpt-metal-cloud.md; keep the two in step. Nothing is inferred
 * from names or descriptions: a field the item does not carry is null.
 */
export class FptImageTranslator {
  toNormalized(raw: FptImageItemPayload, ctx: FptTranslationContext): NormalizedImage {
    const item = raw as FptAnyImagePayload;
    const nativeId = fptImageId(item);
    if (nativeId === null) throw new TypeError('an FPT image item needs an id');
    return {
      nativeId,
      region: ctx.region,
      name: trimmedText(item.name),
      kind: toKind(item.image_type, ctx.source),
      // The endpoint decides: the public list is FPT's catalogue, custom images belong to the VPC.
      visibility: ctx.source === 'public' ? 'public' : 'private',
      status: lookup(STATUSES, lowerCaseText(item.status)),
      nativeStatus: trimmedText(item.status),
      os: toOs(item),
      gpu: toGpu(item),
      softwareVersions: softwareVersionsFromKeys(item, NOT_SOFTWARE_VERSIONS),
      sizeBytes: count(item.size),
      minDiskGiB: null,
      minRamMiB: null,
      diskFormat: null,
      containerFormat: null,
      checksums: toChecksums(item.sha256),
      tags: [],
      properties: unmappedKeys(item),
      versions: null,
      protected: null,
      createdAt: parseDate(item.created_at),
      updatedAt: parseDate(item.updated_at),
      native: raw,
    };
  }
}

/** Upload lifecycle of custom images; public images are `active` (or `deprecated`, which has no equivalent). */
const STATUSES: Readonly<Record<string, ImageStatus>> = {
  pending: 'pending',
  uploading: 'uploading',
  processing: 'uploading',
  active: 'active',
  failed: 'failed',
  error: 'failed',
  deleting: 'deleting',
  deleted: 'deleted',
};

/** `image_type` of public items; custom images are `custom` whatever they say. */
const PUBLIC_KINDS: Readonly<Record<string, ImageKind>> = {
  base: 'base-os',
  os: 'base-os',
  application: 'preconfigured',
  preconfigured: 'preconfigured',
  snapshot: 'snapshot',
};

/** Version keys that describe something other than installed software. */
const NOT_SOFTWARE_VERSIONS: ReadonlySet<string> = new Set(['os_version', 'driver_version']);

function toKind(imageType: unknown, source: FptImageSource): ImageKind {
  if (source === 'custom') return 'custom';
  return lookup(PUBLIC_KINDS, lowerCaseText(imageType)) ?? 'base-os';
}

function toOs(item: FptAnyImagePayload): ImageOs {
  // os_name is the field docs/providers/fpt-metal-cloud.md chose; os_distro is read only without it.
  const { distro, family } = distroAndFamily(trimmedText(item.os_name) ?? item.os_distro);
  return {
    type: osType(item.os_type),
    family,
    distro,
    version: scalarText(item.os_version),
    codename: null,
    architecture: normalizeArchitecture(item.architecture),
  };
}

/** A GPU block only when the item names a vendor, a driver or models; Hopper alone stays in properties. */
function toGpu(item: FptAnyImagePayload): ImageGpu | null {
  const gpu = gpuFromProperties(item.gpu_vendor, item.driver_version, item.gpu_models);
  return hasGpuDetails(gpu) ? gpu : null;
}

function toChecksums(sha256: unknown): ImageChecksums {
  const hex = lowerCaseText(sha256);
  return { md5: null, sha256: hex !== null && /^[0-9a-f]{64}$/.test(hex) ? hex : null, sha512: null };
}

function unmappedKeys(item: FptAnyImagePayload): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const key in item) {
    if (Object.hasOwn(item, key) && !FPT_MAPPED_KEYS.has(key)) properties[key] = item[key];
  }
  return properties;
}

/** A non-negative integer; digit strings count, as some FPT APIs send numbers as text. */
function count(value: unknown): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : null;
  if (typeof value === 'string' && /^\d+$/.test(value.trim())) return Number(value.trim());
  return null;
}
