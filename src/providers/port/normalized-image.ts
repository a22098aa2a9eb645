/**
 * The one normalized image every adapter translates its provider's payload into.
 * Field meanings follow ../shared/CONTRACT.md; a value the provider does not give
 * is null, never guessed.
 */
export const IMAGE_KINDS = ['base-os', 'cloud-image', 'preconfigured', 'snapshot', 'custom'] as const;
export type ImageKind = (typeof IMAGE_KINDS)[number];

export const IMAGE_VISIBILITIES = ['public', 'private', 'shared', 'community'] as const;
export type ImageVisibility = (typeof IMAGE_VISIBILITIES)[number];

export const IMAGE_STATUSES = ['pending', 'uploading', 'active', 'failed', 'deleting', 'deleted'] as const;
export type ImageStatus = (typeof IMAGE_STATUSES)[number];

export interface ImageOs {
  /** linux | windows */
  type: string | null;
  /** debian | rhel | suse | windows … derived only from a known distro */
  family: string | null;
  /** lower-case distro id: ubuntu, centos, rocky, debian … */
  distro: string | null;
  version: string | null;
  codename: string | null;
  /** x86_64 | aarch64 */
  architecture: string | null;
}

export interface ImageGpu {
  vendor: string | null;
  driver: string | null;
  models: string[];
}

export interface ImageChecksums {
  md5: string | null;
  sha256: string | null;
  sha512: string | null;
}

export interface NormalizedImage {
  nativeId: string;
  /** '' when the provider has no notion of region for this image */
  region: string;
  name: string | null;
  kind: ImageKind | null;
  visibility: ImageVisibility | null;
  status: ImageStatus | null;
  nativeStatus: string | null;
  os: ImageOs;
  gpu: ImageGpu | null;
  softwareVersions: Record<string, string> | null;
  sizeBytes: number | null;
  minDiskGiB: number | null;
  minRamMiB: number | null;
  diskFormat: string | null;
  containerFormat: string | null;
  checksums: ImageChecksums;
  tags: string[];
  properties: Record<string, unknown>;
  versions: unknown[] | null;
  protected: boolean | null;
  createdAt: Date | null;
  updatedAt: Date | null;
  /** The provider's own payload, untouched, so nothing is lost in translation. */
  native: Record<string, unknown>;
}
