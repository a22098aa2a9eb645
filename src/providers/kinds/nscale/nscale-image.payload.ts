import { isPlainObject } from '../shared/payload-values';

/**
 * An image as nscale's Region Service API v1.13 (unikorn) returns it from
 * `GET /api/v2/regions/{regionID}/images`: `metadata` (staticResourceMetadata),
 * `spec` (imageSpec) and `status` (imageStatus). The seed marks most fields
 * required; they are optional here because a payload missing one should
 * translate to nulls, not fail a whole region's sync.
 */
export const NSCALE_IMAGE_STATES = ['pending', 'creating', 'ready', 'failed'] as const;
export type NscaleImageState = (typeof NSCALE_IMAGE_STATES)[number];

/** `tag`: a user-defined name/value pair; names are unique within one resource. */
export interface NscaleTagPayload {
  name: string;
  value: string;
}

export interface NscaleImageMetadataPayload {
  id: string;
  /** A Kubernetes label value (≤ 63 characters). */
  name?: string;
  description?: string;
  tags?: NscaleTagPayload[];
  creationTime?: string;
  createdBy?: string;
  modifiedTime?: string;
  modifiedBy?: string;
  [key: string]: unknown;
}

export interface NscaleImageOsPayload {
  /** Only `linux` in v1.13. */
  kernel?: string;
  /** Free-form package family, e.g. `debian`. */
  family?: string;
  distro?: string;
  variant?: string;
  codename?: string;
  version?: string;
  [key: string]: unknown;
}

export interface NscaleImageGpuPayload {
  /** `NVIDIA` or `AMD`. */
  vendor?: string;
  driver?: string;
  models?: string[];
  [key: string]: unknown;
}

export interface NscaleImageSpecPayload {
  /** `x86_64` or `aarch64`. */
  architecture?: string;
  /** Minimum disk size required to use the image, in GiB. */
  sizeGiB?: number;
  /** `virtualized`, `baremetal` or `any`. */
  virtualization?: string;
  os?: NscaleImageOsPayload;
  /** Preinstalled software → semver (`v1.2.3`). */
  softwareVersions?: Record<string, string>;
  gpu?: NscaleImageGpuPayload;
  [key: string]: unknown;
}

export interface NscaleImagePayload {
  metadata: NscaleImageMetadataPayload;
  spec?: NscaleImageSpecPayload;
  status?: { state?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** `imageScopeQueryParameter`. */
export type NscaleImageScope = 'owned' | 'available';

/** The only thing an image must have to be told apart from others: its id. */
export function isNscaleImagePayload(value: unknown): value is NscaleImagePayload {
  if (!isPlainObject(value)) return false;
  const { metadata, spec, status } = value as { metadata?: unknown; spec?: unknown; status?: unknown };
  return (
    isPlainObject(metadata) &&
    typeof (metadata as { id?: unknown }).id === 'string' &&
    (spec === undefined || isPlainObject(spec)) &&
    (status === undefined || isPlainObject(status))
  );
}
