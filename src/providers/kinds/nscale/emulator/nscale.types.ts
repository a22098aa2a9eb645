/**
 * Data model of the nscale Region Service emulator (API v1.13), shared by the
 * store, the routes and the seed generator. `NscaleImage` is exactly what the
 * API sends; the record adds what the service knows but never shows: the
 * region the image lives in and the organization that owns it.
 */
export const NSCALE_IMAGE_STATES = ['pending', 'creating', 'ready', 'failed'] as const;
export type NscaleImageState = (typeof NSCALE_IMAGE_STATES)[number];

export const NSCALE_IMAGE_SCOPES = ['owned', 'available'] as const;
export type NscaleImageScope = (typeof NSCALE_IMAGE_SCOPES)[number];

export type NscaleArchitecture = 'x86_64' | 'aarch64';
export type NscaleVirtualization = 'virtualized' | 'baremetal' | 'any';
export type NscaleGpuVendor = 'NVIDIA' | 'AMD';

export interface NscaleTag {
  name: string;
  value: string;
}

export interface NscaleImage {
  metadata: {
    id: string;
    name: string;
    description?: string;
    tags?: NscaleTag[];
    creationTime: string;
    createdBy?: string;
    modifiedTime?: string;
    modifiedBy?: string;
  };
  spec: {
    architecture: NscaleArchitecture;
    sizeGiB: number;
    virtualization: NscaleVirtualization;
    os: {
      kernel: 'linux';
      family: string;
      distro: string;
      variant?: string;
      codename?: string;
      version: string;
    };
    softwareVersions?: Record<string, string>;
    gpu?: { vendor: NscaleGpuVendor; driver: string; models?: string[] };
  };
  status: { state: NscaleImageState };
}

export interface NscaleImageRecord {
  /** The regionID the image is listed under. */
  regionId: string;
  /** Owning organization; null for global images every organization can use. */
  organizationId: string | null;
  image: NscaleImage;
}

/** `kubernetesLabelValue`: what an image name must look like. */
export const KUBERNETES_LABEL_VALUE = /^[0-9A-Za-z](?:[0-9A-Za-z-_.]{0,61}[0-9A-Za-z])?$/;

/** `semver`: the form every softwareVersions value takes. */
export const SEMVER = /^v\d+\.\d+\.\d+$/;

/** RFC 3339 at second precision, as the seed's example writes it (`2023-02-22T12:04:13Z`). */
export function nscaleTimestamp(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
