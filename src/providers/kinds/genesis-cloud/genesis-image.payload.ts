import { isPlainObject } from '../shared/payload-values';

/**
 * A Genesis Cloud image as `GET /compute/v1/images` returns it (Genesis
 * "Images" reference, Image Schema and List Images example). The documented
 * schema lists id, name, type, family, slug, versions, regions and created_at;
 * the example adds os_type and updated_at. Everything but `id` is optional
 * here, and any other key is allowed, so a new field never breaks a sync.
 */
export const GENESIS_IMAGE_TYPES = ['base-os', 'cloud-image', 'preconfigured', 'snapshot'] as const;
export type GenesisImageType = (typeof GENESIS_IMAGE_TYPES)[number];

export interface GenesisImagePayload {
  id: string;
  name?: string | null;
  /** base-os | cloud-image | preconfigured | snapshot */
  type?: string | null;
  /** Operating system family as a display label: "Ubuntu", "Debian", "Ubuntu ML". */
  family?: string | null;
  slug?: string | null;
  os_type?: string | null;
  /** Region identifiers the image can be used in, e.g. NORD-NO-KRS-1. */
  regions?: string[] | null;
  /** Build versions of a cloud-image (e.g. "20240423"); empty for the other types. */
  versions?: string[] | null;
  created_at?: string | null;
  updated_at?: string | null;
  [key: string]: unknown;
}

/** `GET /compute/v1/images` response body. */
export interface GenesisImageListPayload {
  images: GenesisImagePayload[];
  total_count?: number;
  page?: number;
  per_page?: number;
}

/** `{code, message}`: the body of every Genesis error answer, e.g. {"code": "02035", "message": "…"}. */
export interface GenesisErrorPayload {
  code: string;
  message: string;
}

/** Attributes the translator maps to normalized fields; every other key lands in `properties`. */
export const GENESIS_MAPPED_ATTRIBUTES: ReadonlySet<string> = new Set([
  'id',
  'name',
  'type',
  'versions',
  'created_at',
  'updated_at',
]);

export function isGenesisImageType(value: unknown): value is GenesisImageType {
  return typeof value === 'string' && (GENESIS_IMAGE_TYPES as readonly string[]).includes(value);
}

export function isGenesisImagePayload(value: unknown): value is GenesisImagePayload {
  return isPlainObject(value) && typeof value.id === 'string' && value.id !== '';
}

export function isGenesisImageListPayload(value: unknown): value is GenesisImageListPayload {
  return isPlainObject(value) && Array.isArray(value.images) && value.images.every(isGenesisImagePayload);
}
