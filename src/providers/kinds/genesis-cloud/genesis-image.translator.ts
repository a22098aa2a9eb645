import type { ImageKind, ImageOs, ImageVisibility, NormalizedImage } from '../../port/normalized-image';
import { type KnownDistro, knownDistro, osType } from '../shared/os-normalization';
import { lowerCaseText, parseDate, trimmedText } from '../shared/payload-values';
import { GENESIS_MAPPED_ATTRIBUTES, type GenesisImagePayload, isGenesisImageType } from './genesis-image.payload';

/**
 * Genesis Cloud image → NormalizedImage. The rules are tabulated in
 * docs/providers/genesis-cloud.md; keep the two in step.
 *
 * A Genesis image lists every region it can be used in, while the catalogue
 * keys images by (provider, region, nativeId). So one Genesis image becomes one
 * normalized image per listed region, each carrying that region: a user asking
 * for `region=NORD-NO-KRS-1` gets exactly the images usable there. The full
 * list stays in `properties.regions`.
 *
 * Genesis states no size, checksum, disk format, architecture, status or GPU
 * for an image, so those are null: nothing is inferred from names.
 */
export class GenesisImageTranslator {
  /** One normalized image per distinct listed region, in the payload's order; one with region '' when it lists none. */
  toNormalizedPerRegion(raw: GenesisImagePayload): NormalizedImage[] {
    const regions = listedRegions(raw.regions);
    if (regions.length === 0) return [this.toNormalized(raw, '')];
    const shared = sharedFields(raw);
    return regions.map((region) => build(raw, region, shared));
  }

  /** The image as it is in one region (any region string; the caller picks it). */
  toNormalized(raw: GenesisImagePayload, region: string): NormalizedImage {
    return build(raw, region, sharedFields(raw));
  }
}

/** What every region copy has in common, computed once per payload. */
interface SharedFields {
  kind: ImageKind | null;
  visibility: ImageVisibility | null;
  os: ImageOs;
  createdAt: Date | null;
  updatedAt: Date | null;
  properties: Record<string, unknown>;
}

function sharedFields(raw: GenesisImagePayload): SharedFields {
  const type = trimmedText(raw.type);
  return {
    kind: isGenesisImageType(type) ? type : null,
    visibility: toVisibility(type),
    os: toOs(raw),
    createdAt: parseDate(raw.created_at),
    updatedAt: parseDate(raw.updated_at),
    properties: unmappedProperties(raw),
  };
}

/** Fresh objects and arrays per copy, so a consumer editing one region's image cannot change another's. */
function build(raw: GenesisImagePayload, region: string, shared: SharedFields): NormalizedImage {
  return {
    nativeId: raw.id,
    region,
    name: typeof raw.name === 'string' ? raw.name : null,
    kind: shared.kind,
    visibility: shared.visibility,
    // Genesis images carry no status: an image in the list is not thereby known to be "active".
    status: null,
    nativeStatus: null,
    os: { ...shared.os },
    gpu: null,
    softwareVersions: null,
    sizeBytes: null,
    minDiskGiB: null,
    minRamMiB: null,
    diskFormat: null,
    containerFormat: null,
    checksums: { md5: null, sha256: null, sha512: null },
    tags: [],
    properties: copyProperties(shared.properties),
    versions: Array.isArray(raw.versions) ? [...raw.versions] : null,
    protected: null,
    createdAt: shared.createdAt === null ? null : new Date(shared.createdAt.getTime()),
    updatedAt: shared.updatedAt === null ? null : new Date(shared.updatedAt.getTime()),
    native: raw,
  };
}

/** Genesis' own words: base-os, cloud-image and preconfigured are public; snapshots are "only visible to your account". */
function toVisibility(type: string | null): ImageVisibility | null {
  if (type === 'base-os' || type === 'cloud-image' || type === 'preconfigured') return 'public';
  if (type === 'snapshot') return 'private';
  return null;
}

function toOs(raw: GenesisImagePayload): ImageOs {
  const distro = distroOfFamilyLabel(raw.family);
  return {
    type: osType(raw.os_type),
    family: distro?.family ?? null,
    distro: distro?.id ?? null,
    version: distro === null ? null : versionFromSlug(raw.slug, distro.id),
    codename: null,
    architecture: null,
  };
}

/**
 * Genesis `family` is a label ("Ubuntu", "Debian", "Ubuntu ML"): the distro is
 * its first word when that word is a known distro; any other label is not a
 * distro we can name, so null.
 */
function distroOfFamilyLabel(family: unknown): KnownDistro | null {
  return knownDistro(trimmedText(family)?.split(/\s+/)[0]);
}

/**
 * Only a slug that is exactly `<distro>-<version>` states the version
 * ("ubuntu-24.04", "debian-12"); "ubuntu-ml-nvidia-pytorch" states none.
 */
function versionFromSlug(slug: unknown, distro: string): string | null {
  const value = lowerCaseText(slug);
  if (value === null || !value.startsWith(`${distro}-`)) return null;
  const version = value.slice(distro.length + 1);
  return /^\d+(\.\d+)*$/.test(version) ? version : null;
}

/** Distinct non-empty region strings, in the order Genesis lists them. */
function listedRegions(regions: unknown): string[] {
  if (!Array.isArray(regions)) return [];
  const seen = new Set<string>();
  for (const region of regions) {
    const value = trimmedText(region);
    if (value !== null) seen.add(value);
  }
  return [...seen];
}

/** family, slug, os_type, regions and any key Genesis adds later: what the normalized fields do not already hold. */
function unmappedProperties(raw: GenesisImagePayload): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const key of Object.keys(raw)) {
    if (!GENESIS_MAPPED_ATTRIBUTES.has(key)) properties[key] = raw[key];
  }
  return properties;
}

function copyProperties(properties: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(properties)) {
    const value = properties[key];
    copy[key] = Array.isArray(value) ? [...value] : value;
  }
  return copy;
}
