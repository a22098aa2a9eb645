import type { GlanceConnection } from '../../connections/provider-connection.types';
import type {
  ImageChecksums,
  ImageGpu,
  ImageKind,
  ImageOs,
  ImageStatus,
  ImageVisibility,
  NormalizedImage,
} from '../../port/normalized-image';
import { gpuFromProperties, hasGpuDetails } from '../shared/gpu-normalization';
import { distroAndFamily, normalizeArchitecture, osType } from '../shared/os-normalization';
import { isPlainObject, lookup, lowerCaseText, parseDate, scalarText, trimmedText } from '../shared/payload-values';
import { softwareVersionsFromKeys } from '../shared/software-versions';
import { gpuFromImageName } from './glance-gpu-name';
import { GLANCE_CORE_ATTRIBUTES, type GlanceImagePayload } from './glance-image.payload';

export interface GlanceTranslationContext {
  region: string;
  dialect: GlanceConnection['dialect'];
}

/**
 * Glance v2 image → NormalizedImage. The rules are tabulated in
 * docs/providers/openstack-glance.md; keep the two in step. Anything the payload
 * does not state is null: the translator never infers, e.g. a codename from a version.
 */
export class GlanceImageTranslator {
  toNormalized(raw: GlanceImagePayload, ctx: GlanceTranslationContext): NormalizedImage {
    const properties = imageProperties(raw);
    const visibility = toVisibility(raw.visibility);
    return {
      nativeId: raw.id,
      region: ctx.region,
      name: typeof raw.name === 'string' ? raw.name : null,
      kind: toKind(properties.image_type, visibility),
      visibility,
      status: lookup(STATUSES, lowerCaseText(raw.status)),
      nativeStatus: trimmedText(raw.status),
      os: toOs(properties, ctx.dialect),
      gpu: toGpu(raw.name, properties, ctx.dialect),
      softwareVersions: toSoftwareVersions(raw.name, properties, ctx.dialect),
      sizeBytes: count(raw.size),
      minDiskGiB: count(raw.min_disk),
      minRamMiB: count(raw.min_ram),
      diskFormat: trimmedText(raw.disk_format),
      containerFormat: trimmedText(raw.container_format),
      checksums: toChecksums(raw),
      tags: Array.isArray(raw.tags) ? raw.tags.filter((tag): tag is string => typeof tag === 'string') : [],
      properties,
      versions: null,
      protected: typeof raw.protected === 'boolean' ? raw.protected : null,
      createdAt: parseDate(raw.created_at),
      updatedAt: parseDate(raw.updated_at),
      native: raw,
    };
  }
}

const STATUSES: Readonly<Record<string, ImageStatus>> = {
  queued: 'pending',
  saving: 'uploading',
  uploading: 'uploading',
  importing: 'uploading',
  active: 'active',
  killed: 'failed',
  pending_delete: 'deleting',
  deleted: 'deleted',
};

const VISIBILITIES: ReadonlySet<string> = new Set<ImageVisibility>(['public', 'private', 'shared', 'community']);

/** Keys that end in _version but describe the OS, not software on it. */
const NOT_SOFTWARE_VERSIONS: ReadonlySet<string> = new Set(['os_version']);

/** Non-core top-level keys over NHN's `properties` object: the top level is what Glance stores. */
function imageProperties(raw: GlanceImagePayload): Record<string, unknown> {
  const nested = isPlainObject(raw.properties) ? raw.properties : {};
  const topLevel = Object.entries(raw).filter(
    ([key]) => !GLANCE_CORE_ATTRIBUTES.has(key) && !(key === 'properties' && isPlainObject(raw.properties)),
  );
  return { ...nested, ...Object.fromEntries(topLevel) };
}

function toVisibility(visibility: unknown): ImageVisibility | null {
  const value = lowerCaseText(visibility);
  return value !== null && VISIBILITIES.has(value) ? (value as ImageVisibility) : null;
}

/** Nova marks instance snapshots with image_type=snapshot; otherwise who can see it says who made it. */
function toKind(imageType: unknown, visibility: ImageVisibility | null): ImageKind | null {
  if (lowerCaseText(imageType) === 'snapshot') return 'snapshot';
  if (visibility === 'public' || visibility === 'community') return 'base-os';
  if (visibility === 'private' || visibility === 'shared') return 'custom';
  return null;
}

function toOs(properties: Record<string, unknown>, dialect: GlanceTranslationContext['dialect']): ImageOs {
  const { distro, family } = distroAndFamily(properties.os_distro);
  // Each dialect has its own key; the other is read too, as some clouds set both.
  const [ownKey, otherKey] =
    dialect === 'nhn' ? ['os_architecture', 'architecture'] : ['architecture', 'os_architecture'];
  return {
    type: osType(properties.os_type),
    family,
    distro,
    version: scalarText(properties.os_version),
    codename: trimmedText(properties.os_codename),
    architecture: normalizeArchitecture(properties[ownKey] ?? properties[otherKey]),
  };
}

/**
 * NHN documents no GPU property: an image of its GPU product (`nhncloud_product=gpu`)
 * has a GPU, and what its name states about it is read (glance-gpu-name.ts);
 * any other NHN image has none. Standard Glance has no GPU field either: the
 * `gpu_vendor`/`gpu_driver`/`gpu_models` custom properties are read where an
 * operator or user set them (values are strings, so models arrive
 * comma-separated; arrays are accepted too), and absent they mean no GPU.
 */
function toGpu(
  name: unknown,
  properties: Record<string, unknown>,
  dialect: GlanceTranslationContext['dialect'],
): ImageGpu | null {
  if (dialect === 'nhn') return isNhnGpuProduct(properties) ? gpuFromImageName(name).gpu : null;
  const gpu = gpuFromProperties(properties.gpu_vendor, properties.gpu_driver, properties.gpu_models);
  return hasGpuDetails(gpu) ? gpu : null;
}

function isNhnGpuProduct(properties: Record<string, unknown>): boolean {
  return lowerCaseText(properties.nhncloud_product) === 'gpu';
}

/** `<name>_version` properties; on an NHN GPU image the CUDA its name states, unless a property gives one. */
function toSoftwareVersions(
  name: unknown,
  properties: Record<string, unknown>,
  dialect: GlanceTranslationContext['dialect'],
): Record<string, string> | null {
  const versions = softwareVersionsFromKeys(properties, NOT_SOFTWARE_VERSIONS);
  const cuda = dialect === 'nhn' && isNhnGpuProduct(properties) ? gpuFromImageName(name).cuda : null;
  if (cuda === null || versions?.cuda !== undefined) return versions;
  return { ...versions, cuda };
}

function toChecksums(raw: GlanceImagePayload): ImageChecksums {
  const algorithm = lowerCaseText(raw.os_hash_algo);
  const secureHash = trimmedText(raw.os_hash_value);
  return {
    md5: trimmedText(raw.checksum),
    sha256: algorithm === 'sha256' ? secureHash : null,
    sha512: algorithm === 'sha512' ? secureHash : null,
  };
}

/** A number as given; a digit string counts too, as Glance properties are strings. */
function count(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && /^\d+$/.test(value.trim())) return Number(value.trim());
  return null;
}
