/** Data model of the Genesis Cloud emulator, shared by the store, the routes and the seed generator. */

export const GENESIS_IMAGE_TYPES = ['base-os', 'cloud-image', 'preconfigured', 'snapshot'] as const;
export type GenesisImageType = (typeof GENESIS_IMAGE_TYPES)[number];

/** Region identifiers Genesis uses (its images example and public API schema). */
export const GENESIS_REGIONS = ['NORD-NO-KRS-1', 'ARC-IS-HAF-1', 'EUC-DE-MUC-1'] as const;

/**
 * One image exactly as `GET /compute/v1/images` renders it; keys in the order
 * of Genesis' example. Snapshots have no slug (null).
 */
export interface GenesisImageRecord {
  id: string;
  type: GenesisImageType;
  family: string | null;
  slug: string | null;
  name: string;
  os_type: string | null;
  regions: string[];
  /** Build versions of a cloud-image; empty for every other type. */
  versions: string[];
  /** ISO 8601 with milliseconds, e.g. 2024-03-19T16:08:40.235Z */
  created_at: string;
  updated_at: string;
}

/** What `GenesisImageStore.add` accepts: id, type and name are required, the rest gets defaults. */
export type GenesisImageInit = Partial<GenesisImageRecord> & Pick<GenesisImageRecord, 'id' | 'type' | 'name'>;
