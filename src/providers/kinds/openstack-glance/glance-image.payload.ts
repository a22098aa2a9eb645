import { isPlainObject } from '../shared/payload-values';

/**
 * A Glance v2 image as NHN Cloud (Image API v2) and standard OpenStack Glance
 * (e.g. Vietnix) return it. Standard Glance puts custom properties at the top
 * level; NHN documents a `properties` object but in practice also returns them
 * at the top level (os_distro, os_architecture, login_username …), so both are
 * read. Any other key is allowed: providers add their own.
 */
export interface GlanceImagePayload {
  id: string;
  name?: string | null;
  status?: string | null;
  visibility?: string | null;
  protected?: boolean | null;
  checksum?: string | null;
  owner?: string | null;
  size?: number | null;
  virtual_size?: number | null;
  min_disk?: number | null;
  min_ram?: number | null;
  disk_format?: string | null;
  container_format?: string | null;
  created_at?: string | null;
  updated_at?: string | null;
  tags?: string[] | null;
  self?: string;
  file?: string;
  schema?: string;
  locations?: unknown[];
  direct_url?: string;
  os_hash_algo?: string | null;
  os_hash_value?: string | null;
  os_hidden?: boolean;
  /** NHN: user-specified key/value properties. */
  properties?: Record<string, unknown> | null;
  [key: string]: unknown;
}

/** `GET /v2/images` */
export interface GlanceImageListPayload {
  images: GlanceImagePayload[];
  /** Path of the next page (`/v2/images?marker=…`), absent on the last page. */
  next?: string | null;
  first?: string;
  schema?: string;
}

/** The attributes Glance itself defines; every other key is an image property. */
export const GLANCE_CORE_ATTRIBUTES: ReadonlySet<string> = new Set([
  'id',
  'name',
  'status',
  'visibility',
  'protected',
  'checksum',
  'owner',
  'size',
  'virtual_size',
  'min_disk',
  'min_ram',
  'disk_format',
  'container_format',
  'created_at',
  'updated_at',
  'tags',
  'self',
  'file',
  'schema',
  'locations',
  'direct_url',
  'os_hash_algo',
  'os_hash_value',
  'os_hidden',
]);

export function isGlanceImagePayload(value: unknown): value is GlanceImagePayload {
  return isPlainObject(value) && typeof value.id === 'string';
}
