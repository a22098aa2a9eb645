/**
 * Data model of the FPT Metal Cloud emulator: what the list endpoints render,
 * field for field. The seed leaves the item schema empty; the fields are the
 * choice documented in docs/providers/fpt-metal-cloud.md ("Field choice").
 */

export const FPT_PUBLIC_IMAGE_STATUSES = ['active', 'deprecated'] as const;
export type FptPublicImageStatus = (typeof FPT_PUBLIC_IMAGE_STATUSES)[number];

/**
 * pending: registered, no bytes yet; uploading: presigned part URLs handed out;
 * processing: being pushed from S3 into the image repository (complete call);
 * active / failed: the outcome of that push.
 */
export const FPT_CUSTOM_IMAGE_STATUSES = ['pending', 'uploading', 'processing', 'active', 'failed'] as const;
export type FptCustomImageStatus = (typeof FPT_CUSTOM_IMAGE_STATUSES)[number];

export interface FptPublicImageRecord {
  id: string;
  name: string;
  description: string;
  /** base: OS + GPU stack; application: extra software preinstalled (Docker, Kubernetes …). */
  image_type: 'base' | 'application';
  os_type: 'linux';
  os_name: string;
  os_version: string;
  architecture: 'x86_64';
  gpu_vendor: string | null;
  gpu_generation: string;
  gpu_models: string[];
  driver_version: string | null;
  cuda_version: string | null;
  /** Extra `<software>_version` keys of application images (docker_version …). */
  [versionKey: `${string}_version`]: string | null;
  size: number;
  status: FptPublicImageStatus;
  created_at: string;
  updated_at: string;
}

export interface FptCustomImageRecord {
  id: string;
  name: string;
  description: string;
  size: number;
  sha256: string;
  status: FptCustomImageStatus;
  vpc_id: string;
  synced_at: string | null;
  error_message: string | null;
  created_at: string;
  updated_at: string;
}

/** Django REST Framework's UTC rendering: microseconds and a `Z`, e.g. `2025-01-15T08:30:12.123000Z`. */
export function fptTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '000Z');
}

export const SHA256_HEX = /^[0-9a-f]{64}$/;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
