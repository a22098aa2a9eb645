import type { GenesisImageStore } from './genesis-image.store';
import { GENESIS_IMAGE_TYPES, type GenesisImageRecord, type GenesisImageType } from './genesis.types';
import { invalidParameter } from './genesis-errors';

/**
 * `GET /compute/v1/images` semantics as a pure function of the store and the
 * query: the `type` filter and `page`/`per_page` offset pagination.
 */

/** Genesis: "default: 50". */
export const DEFAULT_PER_PAGE = 50;
/** Genesis: "a positive integer lower than or equal to 100". */
export const MAX_PER_PAGE = 100;

export type GenesisQuery = Readonly<Record<string, string | string[] | undefined>>;

export interface GenesisListQuery {
  type: GenesisImageType | undefined;
  page: number;
  perPage: number;
}

export interface GenesisImageListBody {
  images: GenesisImageRecord[];
  total_count: number;
  page: number;
  per_page: number;
}

export function parseListQuery(query: GenesisQuery): GenesisListQuery {
  // An empty value counts as absent, as for page and per_page.
  const type = first(query.type) || undefined;
  if (type !== undefined && !(GENESIS_IMAGE_TYPES as readonly string[]).includes(type)) {
    throw invalidParameter(`invalid type '${type}': must be one of ${GENESIS_IMAGE_TYPES.join(', ')}`);
  }
  return {
    type: type as GenesisImageType | undefined,
    page: positiveInteger('page', first(query.page), 1),
    perPage: positiveInteger('per_page', first(query.per_page), DEFAULT_PER_PAGE, MAX_PER_PAGE),
  };
}

export function listGenesisImages(store: GenesisImageStore, query: GenesisQuery): GenesisImageListBody {
  const { type, page, perPage } = parseListQuery(query);
  const matching = store.ofType(type);
  const start = (page - 1) * perPage;
  return {
    images: matching.slice(start, start + perPage).map(renderImage),
    total_count: matching.length,
    page,
    per_page: perPage,
  };
}

/** A copy with the keys in Genesis' order, so a client can never alias the store. */
export function renderImage(image: GenesisImageRecord): GenesisImageRecord {
  return {
    id: image.id,
    type: image.type,
    family: image.family,
    slug: image.slug,
    name: image.name,
    os_type: image.os_type,
    regions: [...image.regions],
    versions: [...image.versions],
    created_at: image.created_at,
    updated_at: image.updated_at,
  };
}

/** A repeated parameter counts once, by its first value (Go's url.Values.Get, which Genesis' stack follows). */
function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Absent or empty → the default; anything but an integer in [1, max] is a 400. */
function positiveInteger(name: string, raw: string | undefined, fallback: number, max?: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (value >= 1 && value <= (max ?? Number.MAX_SAFE_INTEGER)) return value;
  const bound = max === undefined ? '' : ` lower than or equal to ${max}`;
  throw invalidParameter(`invalid ${name} '${raw}': must be a positive integer${bound}`);
}
