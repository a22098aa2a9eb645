import type {
  ImageGpu,
  ImageKind,
  ImageOs,
  ImageStatus,
  ImageVisibility,
  NormalizedImage,
} from '../../port/normalized-image';
import { gpuModels, gpuVendor } from '../shared/gpu-normalization';
import { isPlainObject, lookup, lowerCaseText, parseDate, trimmedText } from '../shared/payload-values';
import type { NscaleImagePayload, NscaleImageSpecPayload, NscaleImageMetadataPayload } from './nscale-image.payload';

/**
 * Who an image belongs to. The payload does not say; the adapter learns it from
 * which `scope` listed the image (`owned` → organization, `available` but not
 * `owned` → global). null when unknown, and then kind and visibility are null too.
 */
export type NscaleImageOwnership = 'organization' | 'global' | null;

export interface NscaleTranslationContext {
  /** The regionID the image was listed under. */
  region: string;
  ownership: NscaleImageOwnership;
}

const STATUSES: Readonly<Record<string, ImageStatus>> = {
  pending: 'pending',
  creating: 'uploading',
  ready: 'active',
  failed: 'failed',
};

/**
 * nscale image → NormalizedImage. The rules are tabulated in docs/providers/nscale.md;
 * keep the two in step. Only what the payload (or the scope it was listed under)
 * states is filled in; everything else is null.
 */
export class NscaleImageTranslator {
  toNormalized(raw: NscaleImagePayload, ctx: NscaleTranslationContext): NormalizedImage {
    const metadata = raw.metadata;
    const spec: NscaleImageSpecPayload = isPlainObject(raw.spec) ? raw.spec : {};
    const softwareVersions = toSoftwareVersions(spec.softwareVersions);
    const sizeGiB = count(spec.sizeGiB);
    const state = trimmedText(isPlainObject(raw.status) ? raw.status.state : undefined);
    return {
      nativeId: metadata.id,
      region: ctx.region,
      name: trimmedText(metadata.name),
      kind: toKind(ctx.ownership, softwareVersions),
      visibility: toVisibility(ctx.ownership),
      status: lookup(STATUSES, state),
      nativeStatus: state,
      os: toOs(spec),
      gpu: toGpu(spec.gpu),
      softwareVersions,
      // The seed: `sizeGiB` is the "minimum disk size required to use the image", not the file's size,
      // which nscale never states.
      sizeBytes: null,
      minDiskGiB: sizeGiB,
      minRamMiB: null,
      diskFormat: null,
      containerFormat: null,
      checksums: { md5: null, sha256: null, sha512: null },
      tags: toTags(metadata.tags),
      properties: toProperties(metadata, spec),
      versions: null,
      protected: null,
      createdAt: parseDate(metadata.creationTime),
      updatedAt: parseDate(metadata.modifiedTime),
      native: raw,
    };
  }
}

/** An organization's own image is custom; nscale's global ones are preconfigured when they list preinstalled software. */
function toKind(ownership: NscaleImageOwnership, softwareVersions: Record<string, string> | null): ImageKind | null {
  if (ownership === 'organization') return 'custom';
  if (ownership === 'global') return softwareVersions === null ? 'base-os' : 'preconfigured';
  return null;
}

function toVisibility(ownership: NscaleImageOwnership): ImageVisibility | null {
  if (ownership === 'organization') return 'private';
  if (ownership === 'global') return 'public';
  return null;
}

function toOs(spec: NscaleImageSpecPayload): ImageOs {
  const os = isPlainObject(spec.os) ? spec.os : {};
  return {
    // The kernel is the only OS type the seed has (`linux`); nothing else is a type of ours.
    type: lowerCaseText(os.kernel) === 'linux' ? 'linux' : null,
    // nscale states the family itself, so it is taken as given rather than derived from the distro.
    family: lowerCaseText(os.family),
    distro: lowerCaseText(os.distro),
    version: trimmedText(os.version),
    codename: trimmedText(os.codename),
    // The seed's enum (x86_64, aarch64) already uses the broker's names.
    architecture: lowerCaseText(spec.architecture),
  };
}

function toGpu(gpu: unknown): ImageGpu | null {
  if (!isPlainObject(gpu)) return null;
  return {
    vendor: gpuVendor(gpu.vendor),
    driver: trimmedText(gpu.driver),
    // The seed types models as an array; unlike a Glance property, a string is not a list here.
    models: gpuModels(Array.isArray(gpu.models) ? gpu.models : []),
  };
}

/** The seed's `softwareVersions` map as given (`{kubernetes: "v1.25.6"}`); null when absent or empty. */
function toSoftwareVersions(value: unknown): Record<string, string> | null {
  if (!isPlainObject(value)) return null;
  const versions: Record<string, string> = {};
  let any = false;
  for (const key in value) {
    const version = trimmedText(value[key]);
    if (key === '' || version === null) continue;
    versions[key] = version;
    any = true;
  }
  return any ? versions : null;
}

/** nscale tags are name/value pairs; the broker's tags are strings, so each becomes `name=value`. */
function toTags(tags: unknown): string[] {
  if (!Array.isArray(tags)) return [];
  const out: string[] = [];
  for (const tag of tags) {
    if (!isPlainObject(tag)) continue;
    const name = trimmedText(tag.name);
    if (name === null) continue;
    out.push(`${name}=${typeof tag.value === 'string' ? tag.value : ''}`);
  }
  return out;
}

/** What the payload says that has no field of its own in the broker's image. */
function toProperties(metadata: NscaleImageMetadataPayload, spec: NscaleImageSpecPayload): Record<string, unknown> {
  const os = isPlainObject(spec.os) ? spec.os : {};
  const candidates: Array<[string, string | null]> = [
    ['virtualization', trimmedText(spec.virtualization)],
    ['osVariant', trimmedText(os.variant)],
    ['description', trimmedText(metadata.description)],
    ['createdBy', trimmedText(metadata.createdBy)],
    ['modifiedBy', trimmedText(metadata.modifiedBy)],
  ];
  const properties: Record<string, unknown> = {};
  for (const [key, value] of candidates) if (value !== null) properties[key] = value;
  return properties;
}

function count(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
}
