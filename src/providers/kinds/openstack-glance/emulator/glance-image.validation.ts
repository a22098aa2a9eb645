import type { GlanceDialect, GlanceImageRecord } from './glance.types';
import { GLANCE_CONTAINER_FORMATS, GLANCE_DISK_FORMATS, GLANCE_VISIBILITIES } from './glance.types';
import { GlanceHttpError, badRequest, forbidden } from './glance-errors';

/**
 * Attribute rules shared by image create and JSON patch, with Glance's status
 * codes: schema violations 400, read-only/reserved attributes and policy 403,
 * quotas 413.
 */

/** Attributes a user may set directly. */
export const MUTABLE_CORE_ATTRIBUTES = [
  'name',
  'visibility',
  'protected',
  'min_disk',
  'min_ram',
  'tags',
  'container_format',
  'disk_format',
  'os_hidden',
] as const;
export type MutableCoreAttribute = (typeof MUTABLE_CORE_ATTRIBUTES)[number];

const READ_ONLY_ATTRIBUTES = [
  'id',
  'status',
  'checksum',
  'size',
  'virtual_size',
  'created_at',
  'updated_at',
  'os_hash_algo',
  'os_hash_value',
  'owner',
  'self',
  'file',
  'schema',
  'direct_url',
  'locations',
];
const RESERVED_ATTRIBUTES = ['deleted', 'deleted_at', 'location'];

/** Glance's default image_tag_quota / image_property_quota. */
export const TAG_QUOTA = 128;
export const PROPERTY_QUOTA = 128;
export const MEMBER_QUOTA = 128;

export function isMutableCore(attribute: string): attribute is MutableCoreAttribute {
  return (MUTABLE_CORE_ATTRIBUTES as readonly string[]).includes(attribute);
}

/** 403 for attributes nobody may write (NHN's rendered `properties` object included). */
export function assertWritableAttribute(attribute: string, dialect: GlanceDialect): void {
  if (READ_ONLY_ATTRIBUTES.includes(attribute) || (dialect === 'nhn' && attribute === 'properties')) {
    throw forbidden(`Attribute '${attribute}' is read-only.`);
  }
  if (RESERVED_ATTRIBUTES.includes(attribute)) throw forbidden(`Attribute '${attribute}' is reserved.`);
}

function schemaError(detail: string): GlanceHttpError {
  return badRequest(`Provided object does not match schema 'image': ${detail}`);
}

/** Validates and normalises a core attribute value; the caller assigns it. */
export function validateCoreValue(
  attribute: MutableCoreAttribute,
  value: unknown,
  dialect: GlanceDialect,
): GlanceImageRecord[MutableCoreAttribute] {
  switch (attribute) {
    case 'name':
      if (value !== null && typeof value !== 'string')
        throw schemaError(`${JSON.stringify(value)} is not of type 'null', 'string'`);
      if (typeof value === 'string' && value.length > 255) throw schemaError(`'${value.slice(0, 20)}…' is too long`);
      return value as string | null;
    case 'visibility':
      return validateVisibility(value, dialect);
    case 'protected':
    case 'os_hidden':
      if (typeof value !== 'boolean') throw schemaError(`${JSON.stringify(value)} is not of type 'boolean'`);
      return value;
    case 'min_disk':
    case 'min_ram':
      if (!Number.isInteger(value) || (value as number) < 0)
        throw schemaError(`${JSON.stringify(value)} is not a non-negative integer`);
      return value as number;
    case 'container_format':
      return validateEnum(value, GLANCE_CONTAINER_FORMATS);
    case 'disk_format':
      return validateEnum(value, GLANCE_DISK_FORMATS);
    case 'tags':
      return validateTagList(value, dialect);
  }
}

function validateEnum(value: unknown, allowed: readonly string[]): string | null {
  if (value === null) return null;
  if (typeof value !== 'string' || !allowed.includes(value)) {
    throw schemaError(`${JSON.stringify(value)} is not one of [${allowed.map((a) => `'${a}'`).join(', ')}, None]`);
  }
  return value;
}

function validateVisibility(value: unknown, dialect: GlanceDialect): GlanceImageRecord['visibility'] {
  if (typeof value !== 'string' || !(GLANCE_VISIBILITIES as readonly string[]).includes(value)) {
    throw schemaError(`${JSON.stringify(value)} is not one of ['community', 'public', 'private', 'shared']`);
  }
  // NHN's guide only offers private and shared to tenants.
  if (dialect === 'nhn' && value === 'community') throw badRequest(`Invalid visibility value: ${value}`);
  // Publicizing needs the admin-only publicize_image policy, on every Glance we emulate.
  if (value === 'public') throw forbidden('You are not authorized to complete publicize_image action.');
  return value as GlanceImageRecord['visibility'];
}

export function validateTag(tag: unknown, dialect: GlanceDialect): string {
  if (typeof tag !== 'string' || tag.length === 0) throw schemaError(`${JSON.stringify(tag)} is not a valid tag`);
  if (tag.length > 255) throw badRequest(`Tag '${tag.slice(0, 20)}…' is too long; tags may be at most 255 characters.`);
  if (dialect === 'nhn' && tag.startsWith('_'))
    throw badRequest(`Tag '${tag}' is not allowed: tags may not start with '_'.`);
  return tag;
}

export function validateTagList(value: unknown, dialect: GlanceDialect): string[] {
  if (!Array.isArray(value)) throw schemaError(`${JSON.stringify(value)} is not of type 'array'`);
  const tags = value.map((tag) => validateTag(tag, dialect));
  if (new Set(tags).size !== tags.length) throw schemaError(`${JSON.stringify(tags)} has non-unique elements`);
  assertTagQuota(tags.length);
  return tags;
}

export function assertTagQuota(count: number): void {
  if (count > TAG_QUOTA) throw new GlanceHttpError(413, `Maximum number of tags exceeded (${TAG_QUOTA}).`);
}

/** Custom property: a string value under a sane key. */
export function validateExtraProperty(key: string, value: unknown): string {
  if (key.length === 0 || key.length > 255) throw schemaError(`'${key.slice(0, 20)}' is not a valid property name`);
  if (typeof value !== 'string') throw schemaError(`${JSON.stringify(value)} is not of type 'string'`);
  if (value.length > 65535) throw schemaError(`value of '${key}' is too long`);
  return value;
}

export function assertPropertyQuota(extra: Record<string, string>): void {
  if (Object.keys(extra).length > PROPERTY_QUOTA) {
    throw new GlanceHttpError(413, `Maximum number of image properties exceeded (${PROPERTY_QUOTA}).`);
  }
}

export const UUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
