import type { GlanceDialect, GlanceImageRecord } from './glance.types';
import { GLANCE_IMAGE_STATUSES } from './glance.types';
import { canSee, inDefaultList, membershipOf } from './glance-access';
import { badRequest } from './glance-errors';

/**
 * `GET /v2/images` semantics: filters, sort keys, marker pagination and the
 * `first`/`next` links, as a pure function of the store content and the query.
 */

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 1000;

const PAGING_PARAMS = ['limit', 'marker', 'sort', 'sort_key', 'sort_dir'];
const NHN_PRODUCTS = ['compute', 'gpu'];

export interface GlanceImagePage {
  images: GlanceImageRecord[];
  first: string;
  next?: string;
}

interface SortSpec {
  key: string;
  dir: 'asc' | 'desc';
}

type Predicate = (image: GlanceImageRecord) => boolean;

export function listGlanceImages(
  all: GlanceImageRecord[],
  rawQuery: string,
  project: string,
  dialect: GlanceDialect,
): GlanceImagePage {
  const params = new URLSearchParams(rawQuery);
  const limit = parseLimit(params.get('limit'));
  const sort = parseSort(params);
  const compare = comparatorFor(sort);
  const predicates = buildFilters(params, project, dialect);

  const markerId = params.get('marker');
  let marker: GlanceImageRecord | undefined;
  if (markerId !== null) {
    marker = all.find((image) => image.id === markerId);
    if (!marker || !canSee(marker, project)) throw badRequest(`Invalid marker. Image ${markerId} could not be found.`);
  }

  const matching = all.filter((image) => predicates.every((p) => p(image))).sort(compare);
  // Position by sort order rather than list index, so a marker outside the filter still works.
  const afterMarker = marker ? matching.filter((image) => compare(image, marker) > 0) : matching;
  const images = afterMarker.slice(0, limit);

  const rest = new URLSearchParams([...params].filter(([key]) => key !== 'marker'));
  const restQuery = rest.toString();
  const page: GlanceImagePage = { images, first: restQuery ? `/v2/images?${restQuery}` : '/v2/images' };
  if (images.length > 0 && afterMarker.length > images.length) {
    const last = images[images.length - 1];
    page.next = `/v2/images?marker=${encodeURIComponent(last.id)}${restQuery ? `&${restQuery}` : ''}`;
  }
  return page;
}

function parseLimit(raw: string | null): number {
  if (raw === null) return DEFAULT_PAGE_SIZE;
  if (!/^-?\d+$/.test(raw)) throw badRequest('limit param must be an integer');
  const limit = Number(raw);
  if (limit < 0) throw badRequest('limit param must be positive');
  return Math.min(limit, MAX_PAGE_SIZE);
}

function parseDirection(raw: string): 'asc' | 'desc' {
  if (raw !== 'asc' && raw !== 'desc') throw badRequest(`Invalid sort direction: ${raw}`);
  return raw;
}

/** Both syntaxes: `sort_key`/`sort_dir` (repeatable) and `sort=key:dir,key2`. */
function parseSort(params: URLSearchParams): SortSpec[] {
  const keys = params.getAll('sort_key');
  const dirs = params.getAll('sort_dir');
  const sortParam = params.get('sort');
  let specs: SortSpec[];
  if (sortParam !== null) {
    if (keys.length > 0 || dirs.length > 0) {
      throw badRequest("The 'sort' argument is not supported with 'sort_key' or 'sort_dir'.");
    }
    specs = sortParam.split(',').map((part) => {
      const [key, dir, ...extra] = part.trim().split(':');
      if (!key || extra.length > 0) throw badRequest(`Invalid sort value: ${part}`);
      return { key, dir: dir === undefined ? 'desc' : parseDirection(dir) };
    });
  } else {
    const sortKeys = keys.length > 0 ? keys : ['created_at'];
    if (dirs.length > 1 && dirs.length !== sortKeys.length) {
      throw badRequest('Number of sort dirs does not match the number of sort keys');
    }
    const directions = dirs.map(parseDirection);
    specs = sortKeys.map((key, i) => {
      if (key === '') throw badRequest('Invalid sort key: empty');
      return { key, dir: directions[dirs.length === 1 ? 0 : i] ?? 'desc' };
    });
  }
  // Glance appends created_at and id so that pages never overlap.
  for (const key of ['created_at', 'id']) {
    if (!specs.some((s) => s.key === key)) specs.push({ key, dir: specs[0].dir });
  }
  return specs;
}

function sortValue(image: GlanceImageRecord, key: string): string | number | boolean | null {
  if (key in image && key !== 'extra' && key !== 'members' && key !== 'dataPath') {
    const value = (image as unknown as Record<string, unknown>)[key];
    if (Array.isArray(value)) return value.join(',');
    return value as string | number | boolean | null;
  }
  return image.extra[key] ?? null;
}

function compareValues(a: string | number | boolean | null, b: string | number | boolean | null): number {
  // Nulls first in ascending order, like the MySQL backend most clouds run.
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function comparatorFor(specs: SortSpec[]): (a: GlanceImageRecord, b: GlanceImageRecord) => number {
  return (a, b) => {
    for (const { key, dir } of specs) {
      const order = compareValues(sortValue(a, key), sortValue(b, key));
      if (order !== 0) return dir === 'asc' ? order : -order;
    }
    return 0;
  };
}

/** `in:a,b` lists (values may be double-quoted) or a single exact value. */
function parseValueList(raw: string): string[] {
  if (!raw.startsWith('in:')) return [raw];
  return raw
    .slice(3)
    .split(',')
    .map((v) => v.trim().replace(/^"(.*)"$/, '$1'));
}

function parseBoolean(name: string, raw: string): boolean {
  const lowered = raw.toLowerCase();
  if (lowered !== 'true' && lowered !== 'false') {
    throw badRequest(`Invalid value '${raw}' for '${name}' filter. Valid values are 'true' or 'false'.`);
  }
  return lowered === 'true';
}

function parseSize(name: string, raw: string): number {
  if (!/^\d+$/.test(raw)) throw badRequest(`Invalid value for ${name}: ${raw}`);
  return Number(raw);
}

/** `created_at=gte:2024-01-01T00:00:00Z` style filters. */
function timeFilter(name: 'created_at' | 'updated_at', raw: string): Predicate {
  const match = /^(?:(gt|gte|lt|lte|eq|neq):)?(.+)$/.exec(raw);
  const at = match ? Date.parse(match[2]) : NaN;
  if (!match || Number.isNaN(at)) throw badRequest(`Unable to filter on a ${name} value of '${raw}'`);
  const op = match[1] ?? 'eq';
  return (image) => {
    const value = Date.parse(image[name]);
    switch (op) {
      case 'gt':
        return value > at;
      case 'gte':
        return value >= at;
      case 'lt':
        return value < at;
      case 'lte':
        return value <= at;
      case 'neq':
        return value !== at;
      default:
        return value === at;
    }
  };
}

/** NHN's guide lets the list filter on these three only ("Select only one of public, private, and shared"). */
const NHN_LIST_VISIBILITIES = ['public', 'private', 'shared'];

function visibilityFilter(
  visibility: string | null,
  memberStatus: string,
  project: string,
  dialect: GlanceDialect,
): Predicate {
  if (visibility !== null && dialect === 'nhn' && !NHN_LIST_VISIBILITIES.includes(visibility)) {
    throw badRequest(`Invalid visibility value: ${visibility}`);
  }
  switch (visibility) {
    case null:
      return (image) => inDefaultList(image, project);
    case 'all':
      // Glance's "all": every public and community image, our own, and shares in the asked member status.
      return (image) => {
        if (image.owner === project || image.visibility === 'public' || image.visibility === 'community') return true;
        if (image.visibility !== 'shared') return false;
        const status = membershipOf(image, project)?.status;
        return status !== undefined && (memberStatus === 'all' || status === memberStatus);
      };
    case 'public':
    case 'community':
      return (image) => image.visibility === visibility;
    case 'private':
      return (image) => image.visibility === 'private' && image.owner === project;
    case 'shared':
      return (image) => {
        if (image.visibility !== 'shared') return false;
        if (image.owner === project) return true;
        const status = membershipOf(image, project)?.status;
        return status !== undefined && (memberStatus === 'all' || status === memberStatus);
      };
    default:
      throw badRequest(`Invalid visibility value: ${visibility}`);
  }
}

function buildFilters(params: URLSearchParams, project: string, dialect: GlanceDialect): Predicate[] {
  const memberStatus = params.get('member_status') ?? 'accepted';
  if (!['pending', 'accepted', 'rejected', 'all'].includes(memberStatus)) {
    throw badRequest(`Invalid status: ${memberStatus}`);
  }
  const predicates: Predicate[] = [visibilityFilter(params.get('visibility'), memberStatus, project, dialect)];

  const hidden = params.get('os_hidden');
  const wantHidden = hidden === null ? false : parseBoolean('os_hidden', hidden);
  predicates.push((image) => image.os_hidden === wantHidden);

  for (const [key, raw] of params) {
    if (PAGING_PARAMS.includes(key) || key === 'visibility' || key === 'member_status' || key === 'os_hidden') continue;
    switch (key) {
      case 'tag':
        predicates.push((image) => image.tags.includes(raw));
        break;
      case 'size_min': {
        const min = parseSize(key, raw);
        predicates.push((image) => image.size !== null && image.size >= min);
        break;
      }
      case 'size_max': {
        const max = parseSize(key, raw);
        predicates.push((image) => image.size !== null && image.size <= max);
        break;
      }
      case 'status': {
        const wanted = parseValueList(raw);
        for (const s of wanted) {
          if (!(GLANCE_IMAGE_STATUSES as readonly string[]).includes(s)) throw badRequest(`Invalid status value: ${s}`);
        }
        predicates.push((image) => wanted.includes(image.status));
        break;
      }
      case 'created_at':
      case 'updated_at':
        predicates.push(timeFilter(key, raw));
        break;
      case 'protected': {
        const wanted = parseBoolean(key, raw);
        predicates.push((image) => image.protected === wanted);
        break;
      }
      case 'id':
      case 'name':
      case 'owner':
      case 'disk_format':
      case 'container_format':
      case 'checksum':
      case 'os_hash_value': {
        const wanted = parseValueList(raw);
        predicates.push((image) => wanted.includes(String(image[key])));
        break;
      }
      case 'min_disk':
      case 'min_ram':
        predicates.push((image) => String(image[key]) === raw);
        break;
      default:
        if (key === 'nhncloud_product' && dialect === 'nhn' && !NHN_PRODUCTS.includes(raw)) {
          throw badRequest(`Invalid nhncloud_product value: ${raw}`);
        }
        // Any other parameter filters on a custom property, as in Glance.
        predicates.push((image) => image.extra[key] === raw);
    }
  }
  return predicates;
}
