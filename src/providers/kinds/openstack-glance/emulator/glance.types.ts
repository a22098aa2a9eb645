/** Data model of the Glance v2 emulator, shared by the store, the routes and the seed generator. */

export type GlanceDialect = 'nhn' | 'standard';

export const GLANCE_IMAGE_STATUSES = [
  'queued',
  'saving',
  'uploading',
  'importing',
  'active',
  'killed',
  'deleted',
  'pending_delete',
  'deactivated',
] as const;
export type GlanceImageStatus = (typeof GLANCE_IMAGE_STATUSES)[number];

export const GLANCE_VISIBILITIES = ['public', 'private', 'shared', 'community'] as const;
export type GlanceVisibility = (typeof GLANCE_VISIBILITIES)[number];

export const GLANCE_MEMBER_STATUSES = ['pending', 'accepted', 'rejected'] as const;
export type GlanceMemberStatus = (typeof GLANCE_MEMBER_STATUSES)[number];

export const GLANCE_CONTAINER_FORMATS = ['ami', 'ari', 'aki', 'bare', 'ovf', 'ova', 'docker', 'compressed'] as const;
export const GLANCE_DISK_FORMATS = [
  'ami',
  'ari',
  'aki',
  'vhd',
  'vhdx',
  'vmdk',
  'raw',
  'qcow2',
  'vdi',
  'iso',
  'ploop',
] as const;

export interface GlanceMemberRecord {
  member_id: string;
  status: GlanceMemberStatus;
  created_at: string;
  updated_at: string;
}

/**
 * One image as the emulator stores it. Core attributes mirror Glance's columns;
 * everything else (os_distro, nhncloud_product, gpu_driver, …) lives in `extra`
 * and is rendered as top-level keys, exactly like Glance's extra properties.
 */
export interface GlanceImageRecord {
  id: string;
  name: string | null;
  status: GlanceImageStatus;
  visibility: GlanceVisibility;
  owner: string | null;
  protected: boolean;
  os_hidden: boolean;
  container_format: string | null;
  disk_format: string | null;
  min_disk: number;
  min_ram: number;
  size: number | null;
  virtual_size: number | null;
  checksum: string | null;
  os_hash_algo: string | null;
  os_hash_value: string | null;
  tags: string[];
  /** `YYYY-MM-DDThh:mm:ssZ` */
  created_at: string;
  /** `YYYY-MM-DDThh:mm:ssZ` */
  updated_at: string;
  /** Custom properties; Glance only stores strings. */
  extra: Record<string, string>;
  members: GlanceMemberRecord[];
  /** Absolute path of the uploaded bytes; absent for seeded images, which have no data. */
  dataPath?: string;
}

/** What `GlanceImageStore.add` accepts: only `id` is required, the rest gets Glance's defaults. */
export type GlanceImageInit = Partial<GlanceImageRecord> & { id: string };

/** Glance's timestamp format (second precision, `Z`). */
export function glanceTimestamp(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
