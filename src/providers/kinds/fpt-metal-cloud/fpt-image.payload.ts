import { isPlainObject } from '../shared/payload-values';

/**
 * FPT Metal Cloud image items. The seed's OpenAPI leaves the item schema empty
 * (`items: {type: object, properties: {}}`), so these fields are the documented
 * choice of docs/providers/fpt-metal-cloud.md ("Field choice"), not FPT's word.
 * Every key is optional and any other key is allowed: the translator reads what
 * is there and keeps the whole item as `native`.
 */
export interface FptImageItemPayload {
  /** uuid; the `hpc_file_id` of the delete/sync paths for custom images. */
  id?: string;
  /** The register response names the id `image_id`; read when `id` is absent. */
  image_id?: string;
  name?: string | null;
  description?: string | null;
  status?: string | null;
  /** Bytes, as in the register request. */
  size?: number | null;
  created_at?: string | null;
  updated_at?: string | null;
  [key: string]: unknown;
}

/** An item of `GET …/hpc/images`: an FPT-built OS image for Hopper GPU servers. */
export interface FptPublicImagePayload extends FptImageItemPayload {
  /** `base` (plain OS + GPU stack) or `application` (extra software preinstalled). */
  image_type?: string | null;
  os_type?: string | null;
  os_name?: string | null;
  os_version?: string | null;
  architecture?: string | null;
  gpu_vendor?: string | null;
  gpu_generation?: string | null;
  gpu_models?: string[] | string | null;
  driver_version?: string | null;
  cuda_version?: string | null;
}

/** An item of `GET …/hpc/custom-images`: an image the tenant registered and uploaded. */
export interface FptCustomImagePayload extends FptImageItemPayload {
  /** Hex SHA-256 given at registration; also the `file_sha` of the complete call. */
  sha256?: string | null;
  vpc_id?: string | null;
  /** When the image was last pushed to the FPT Cloud console (the sync call); null before. */
  synced_at?: string | null;
  error_message?: string | null;
}

/** Both list endpoints answer `{data: [...]}`, unpaginated. */
export interface FptImageListPayload<T extends FptImageItemPayload = FptImageItemPayload> {
  data: T[];
  [key: string]: unknown;
}

/** Keys the translator turns into first-class fields; every other key goes to `properties`. */
export const FPT_MAPPED_KEYS: ReadonlySet<string> = new Set([
  'id',
  'image_id',
  'name',
  'status',
  'size',
  'sha256',
  'os_type',
  'os_name',
  'os_distro',
  'os_version',
  'architecture',
  'gpu_vendor',
  'gpu_models',
  'driver_version',
  'created_at',
  'updated_at',
]);

/** The item's id: `id`, else the register response's `image_id`; null when neither is a non-empty string. */
export function fptImageId(item: FptImageItemPayload): string | null {
  if (typeof item.id === 'string' && item.id !== '') return item.id;
  if (typeof item.image_id === 'string' && item.image_id !== '') return item.image_id;
  return null;
}

export function isFptImageItem(value: unknown): value is FptImageItemPayload {
  return isPlainObject(value) && fptImageId(value) !== null;
}

export function isFptImageList(value: unknown): value is FptImageListPayload {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as { data?: unknown }).data) &&
    (value as { data: unknown[] }).data.every(isFptImageItem)
  );
}
