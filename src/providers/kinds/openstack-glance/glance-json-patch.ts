import type { GlanceConnection } from '../../connections/provider-connection.types';
import type { ImagePatch } from '../../port/provider-writes';
import { isPlainObject } from '../shared/payload-values';
import { GLANCE_CORE_ATTRIBUTES, type GlanceImagePayload } from './glance-image.payload';
import { assertPropertyKeys, assertVisibilityAllowed } from './glance-write-rules';

/** Media type Glance demands for `PATCH /v2/images/{id}`; plain JSON gets 415. */
export const GLANCE_JSON_PATCH_MEDIA_TYPE = 'application/openstack-images-v2.1-json-patch';

export type GlancePatchOperation =
  { op: 'add' | 'replace'; path: string; value: unknown } | { op: 'remove'; path: string };

/**
 * The broker's merge-style ImagePatch → Glance's JSON patch (v2.1), against the
 * image as it is now:
 * - core attributes are always present, so they are `replace`d;
 * - a property set to a value is `add`ed, which in Glance also overwrites an
 *   existing one (`replace` would 409 on a property that is absent);
 * - a property set to null is `remove`d only when the image has it, since
 *   Glance answers 409 to removing an absent one and "absent" is what was asked.
 */
export function glancePatchOperations(
  patch: ImagePatch,
  current: GlanceImagePayload,
  dialect: GlanceConnection['dialect'],
  provider: string,
): GlancePatchOperation[] {
  const ops: GlancePatchOperation[] = [];
  const replace = (attribute: string, value: unknown) => {
    if (value !== undefined) ops.push({ op: 'replace', path: pointer(attribute), value });
  };
  if (patch.visibility !== undefined) assertVisibilityAllowed(provider, dialect, patch.visibility);
  replace('name', patch.name);
  replace('visibility', patch.visibility);
  replace('protected', patch.protected);
  replace('min_disk', patch.minDiskGiB);
  replace('min_ram', patch.minRamMiB);
  replace('tags', patch.tags === undefined ? undefined : [...patch.tags]);

  const properties = patch.properties ?? {};
  assertPropertyKeys(provider, Object.keys(properties));
  for (const [key, value] of Object.entries(properties)) {
    if (value !== null) ops.push({ op: 'add', path: pointer(key), value });
    else if (hasProperty(current, key)) ops.push({ op: 'remove', path: pointer(key) });
  }
  return ops;
}

/** Glance stores properties top-level; NHN documents them in a `properties` object too, so both count. */
function hasProperty(image: GlanceImagePayload, key: string): boolean {
  if (Object.hasOwn(image, key) && !GLANCE_CORE_ATTRIBUTES.has(key) && key !== 'properties') return true;
  return isPlainObject(image.properties) && Object.hasOwn(image.properties, key);
}

/** RFC 6901: `~` and `/` in a key are escaped so the key stays one path segment. */
function pointer(key: string): string {
  return `/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}
