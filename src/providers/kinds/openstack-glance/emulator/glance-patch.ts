import type { GlanceDialect, GlanceImageRecord } from './glance.types';
import { badRequest, conflict, forbidden } from './glance-errors';
import {
  assertPropertyQuota,
  assertWritableAttribute,
  isMutableCore,
  validateCoreValue,
  validateExtraProperty,
} from './glance-image.validation';

/** Media type Glance demands for PATCH /v2/images/{id}. */
export const GLANCE_JSON_PATCH_MEDIA_TYPE = 'application/openstack-images-v2.1-json-patch';

interface PatchOperation {
  op: 'add' | 'replace' | 'remove';
  attribute: string;
  value?: unknown;
}

/** Formats that Glance freezes once data is attached. */
const QUEUED_ONLY = ['container_format', 'disk_format'];

/**
 * Applies a v2.1 JSON patch atomically: validation runs on a copy, so a
 * failing operation leaves the stored image untouched.
 */
export function applyGlancePatch(image: GlanceImageRecord, body: unknown, dialect: GlanceDialect): void {
  const operations = parseOperations(body);
  const draft: GlanceImageRecord = { ...image, tags: [...image.tags], extra: { ...image.extra } };

  for (const { op, attribute, value } of operations) {
    assertWritableAttribute(attribute, dialect);
    if (isMutableCore(attribute)) {
      if (op === 'remove') throw forbidden(`Properties ${attribute} cannot be removed.`);
      if (QUEUED_ONLY.includes(attribute) && draft.status !== 'queued') {
        throw forbidden(`Attribute ${attribute} can be only replaced for a queued image.`);
      }
      (draft as unknown as Record<string, unknown>)[attribute] = validateCoreValue(attribute, value, dialect);
      continue;
    }
    const exists = Object.prototype.hasOwnProperty.call(draft.extra, attribute);
    if (op === 'remove') {
      if (!exists) throw conflict(`Property ${attribute} does not exist.`);
      delete draft.extra[attribute];
    } else if (op === 'replace' && !exists) {
      throw conflict(`Property ${attribute} does not exist.`);
    } else {
      draft.extra[attribute] = validateExtraProperty(attribute, value);
    }
  }
  assertPropertyQuota(draft.extra);
  Object.assign(image, draft);
}

function parseOperations(body: unknown): PatchOperation[] {
  if (!Array.isArray(body)) throw badRequest('Request body must be a JSON array of operation objects.');
  return body.map((raw): PatchOperation => {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      throw badRequest('Operations must be JSON objects.');
    }
    const { op, path, value } = raw as Record<string, unknown>;
    if (op !== 'add' && op !== 'replace' && op !== 'remove') {
      throw badRequest(`Operation objects must contain exactly one member named "add", "remove", or "replace".`);
    }
    if (typeof path !== 'string' || !path.startsWith('/')) throw badRequest(`Unable to find '/' in JSON Schema change`);
    const segments = path.slice(1).split('/');
    // v2.1 patches address top-level attributes only (Glance's /locations/N is disabled by default).
    if (segments.length !== 1 || segments[0] === '')
      throw badRequest(`Invalid JSON pointer for this resource: '${path}'`);
    const attribute = segments[0].replace(/~1/g, '/').replace(/~0/g, '~');
    if (op !== 'remove' && !('value' in (raw as object))) {
      throw badRequest(`Operation "${op}" requires a member named "value".`);
    }
    return { op, attribute, value };
  });
}
