import type { GlanceConnection } from '../../config/provider-connection.types';
import type {
  ImageChecksums,
  ImageGpu,
  ImageKind,
  ImageOs,
  ImageStatus,
  ImageVisibility,
  NormalizedImage,
} from '../../provider-port/normalized-image';
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
      status: toStatus(raw.status),
      nativeStatus: text(raw.status),
      os: toOs(properties, ctx.dialect),
      gpu: toGpu(properties, ctx.dialect),
      softwareVersions: toSoftwareVersions(properties),
      sizeBytes: count(raw.size),
      minDiskGiB: count(raw.min_disk),
      minRamMiB: count(raw.min_ram),
      diskFormat: text(raw.disk_format),
      containerFormat: text(raw.container_format),
      checksums: toChecksums(raw),
      tags: Array.isArray(raw.tags) ? raw.tags.filter((tag): tag is string => typeof tag === 'string') : [],
      properties,
      versions: null,
      protected: typeof raw.protected === 'boolean' ? raw.protected : null,
      createdAt: toDate(raw.created_at),
      updatedAt: toDate(raw.updated_at),
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

/** Keyed by the distro text lower-cased with spaces, dashes and underscores removed. */
const DISTRO_IDS: Readonly<Record<string, string>> = {
  centos: 'centos',
  ubuntu: 'ubuntu',
  debian: 'debian',
  rocky: 'rocky',
  rockylinux: 'rocky',
  almalinux: 'almalinux',
  alma: 'almalinux',
  rhel: 'rhel',
  redhat: 'rhel',
  redhatenterpriselinux: 'rhel',
  fedora: 'fedora',
  opensuse: 'opensuse',
  opensuseleap: 'opensuse',
  sles: 'sles',
  suselinuxenterpriseserver: 'sles',
  windows: 'windows',
  windowsserver: 'windows',
  mswindows: 'windows',
};

const DISTRO_FAMILIES: Readonly<Record<string, string>> = {
  ubuntu: 'debian',
  debian: 'debian',
  centos: 'rhel',
  rocky: 'rhel',
  almalinux: 'rhel',
  rhel: 'rhel',
  fedora: 'rhel',
  opensuse: 'suse',
  sles: 'suse',
  windows: 'windows',
};

const ARCHITECTURES: Readonly<Record<string, string>> = {
  amd64: 'x86_64',
  x86_64: 'x86_64',
  'x86-64': 'x86_64',
  x64: 'x86_64',
  arm64: 'aarch64',
  aarch64: 'aarch64',
};

/** Non-core top-level keys over NHN's `properties` object: the top level is what Glance stores. */
function imageProperties(raw: GlanceImagePayload): Record<string, unknown> {
  const nested = isPlainObject(raw.properties) ? raw.properties : {};
  const topLevel = Object.entries(raw).filter(
    ([key]) => !GLANCE_CORE_ATTRIBUTES.has(key) && !(key === 'properties' && isPlainObject(raw.properties)),
  );
  return { ...nested, ...Object.fromEntries(topLevel) };
}

function toStatus(status: unknown): ImageStatus | null {
  const key = text(status)?.toLowerCase();
  return key !== undefined && Object.hasOwn(STATUSES, key) ? STATUSES[key] : null;
}

function toVisibility(visibility: unknown): ImageVisibility | null {
  const value = text(visibility)?.toLowerCase();
  return value !== undefined && VISIBILITIES.has(value) ? (value as ImageVisibility) : null;
}

/** Nova marks instance snapshots with image_type=snapshot; otherwise who can see it says who made it. */
function toKind(imageType: unknown, visibility: ImageVisibility | null): ImageKind | null {
  if (text(imageType)?.toLowerCase() === 'snapshot') return 'snapshot';
  if (visibility === 'public' || visibility === 'community') return 'base-os';
  if (visibility === 'private' || visibility === 'shared') return 'custom';
  return null;
}

function toOs(properties: Record<string, unknown>, dialect: GlanceTranslationContext['dialect']): ImageOs {
  const type = text(properties.os_type)?.toLowerCase() ?? null;
  const distro = toDistro(properties.os_distro);
  // Each dialect has its own key; the other is read too, as some clouds set both.
  const [ownKey, otherKey] =
    dialect === 'nhn' ? ['os_architecture', 'architecture'] : ['architecture', 'os_architecture'];
  return {
    type: type === 'linux' || type === 'windows' ? type : null,
    family: distro !== null && Object.hasOwn(DISTRO_FAMILIES, distro) ? DISTRO_FAMILIES[distro] : null,
    distro,
    version: scalarText(properties.os_version),
    codename: text(properties.os_codename),
    architecture: toArchitecture(properties[ownKey] ?? properties[otherKey]),
  };
}

function toDistro(value: unknown): string | null {
  const lower = text(value)?.toLowerCase();
  if (lower === undefined) return null;
  const key = lower.replace(/[\s_-]+/g, '');
  return Object.hasOwn(DISTRO_IDS, key) ? DISTRO_IDS[key] : lower;
}

function toArchitecture(value: unknown): string | null {
  const lower = text(value)?.toLowerCase();
  if (lower === undefined) return null;
  return Object.hasOwn(ARCHITECTURES, lower) ? ARCHITECTURES[lower] : lower;
}

function toGpu(properties: Record<string, unknown>, dialect: GlanceTranslationContext['dialect']): ImageGpu | null {
  const vendor = text(properties.gpu_vendor)?.toLowerCase() ?? null;
  const driver = scalarText(properties.gpu_driver);
  const models = toGpuModels(properties.gpu_models);
  const nhnGpuProduct = dialect === 'nhn' && text(properties.nhncloud_product)?.toLowerCase() === 'gpu';
  if (!nhnGpuProduct && vendor === null && driver === null && models.length === 0) return null;
  return { vendor, driver, models };
}

/** Glance property values are strings, so lists arrive comma-separated; arrays are accepted too. */
function toGpuModels(value: unknown): string[] {
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [];
  return items.flatMap((item) => {
    const model = text(item)?.toUpperCase();
    return model === undefined ? [] : [model];
  });
}

/** `cuda_version: "12.4"` → `{cuda: "12.4"}`; os_version describes the OS, not software on it. */
function toSoftwareVersions(properties: Record<string, unknown>): Record<string, string> | null {
  const versions: Record<string, string> = {};
  for (const [key, value] of Object.entries(properties)) {
    if (key === 'os_version' || !key.endsWith('_version')) continue;
    const name = key.slice(0, -'_version'.length);
    const version = scalarText(value);
    if (name !== '' && version !== null) versions[name] = version;
  }
  return Object.keys(versions).length > 0 ? versions : null;
}

function toChecksums(raw: GlanceImagePayload): ImageChecksums {
  const algorithm = text(raw.os_hash_algo)?.toLowerCase();
  const secureHash = text(raw.os_hash_value);
  return {
    md5: text(raw.checksum),
    sha256: algorithm === 'sha256' ? secureHash : null,
    sha512: algorithm === 'sha512' ? secureHash : null,
  };
}

function toDate(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** A non-negative integer; digit strings count, as Glance properties are strings. */
function count(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && /^\d+$/.test(value.trim())) return Number(value.trim());
  return null;
}

/** A trimmed non-empty string, else null. */
function text(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/** Like text(), but a number such as os_version 22.04 is kept as written. */
function scalarText(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return text(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
