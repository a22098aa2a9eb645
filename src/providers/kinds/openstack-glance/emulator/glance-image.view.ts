import type { GlanceDialect, GlanceImageRecord, GlanceMemberRecord } from './glance.types';

export type GlanceImageView = Record<string, unknown>;

/**
 * Renders a record the way Glance v2 serialises it: custom properties become
 * top-level keys. The NHN dialect additionally repeats them in a `properties`
 * object, which NHN's API guide lists in its response tables.
 */
export function renderGlanceImage(
  record: GlanceImageRecord,
  dialect: GlanceDialect,
  opts: { justCreated?: boolean } = {},
): GlanceImageView {
  const view: GlanceImageView = {
    ...record.extra,
    name: record.name,
    disk_format: record.disk_format,
    container_format: record.container_format,
    visibility: record.visibility,
    size: record.size,
    virtual_size: record.virtual_size,
    status: record.status,
    checksum: record.checksum,
    protected: record.protected,
    min_ram: record.min_ram,
    min_disk: record.min_disk,
    owner: record.owner,
    os_hidden: record.os_hidden,
    os_hash_algo: record.os_hash_algo,
    os_hash_value: record.os_hash_value,
    id: record.id,
    created_at: record.created_at,
    updated_at: record.updated_at,
    tags: [...record.tags],
    self: `/v2/images/${record.id}`,
    file: `/v2/images/${record.id}/file`,
    schema: '/v2/schemas/image',
  };
  if (dialect === 'nhn') {
    view.properties = { ...record.extra };
    // NHN's create example is the only one that shows `locations` (always empty).
    if (opts.justCreated) view.locations = [];
  }
  return view;
}

export function renderGlanceMember(imageId: string, member: GlanceMemberRecord): Record<string, unknown> {
  return {
    created_at: member.created_at,
    image_id: imageId,
    member_id: member.member_id,
    schema: '/v2/schemas/member',
    status: member.status,
    updated_at: member.updated_at,
  };
}
