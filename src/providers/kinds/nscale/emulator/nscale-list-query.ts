import { NscaleHttpError } from './nscale-errors';
import {
  NSCALE_IMAGE_SCOPES,
  NSCALE_IMAGE_STATES,
  type NscaleImageRecord,
  type NscaleImageScope,
  type NscaleImageState,
} from './nscale.types';

/** The listing's query (`organizationIDQueryParameter`, `imageScopeQueryParameter`, `imageStatusQueryParameter`), validated. */
export interface NscaleImageListQuery {
  organizationIds: string[];
  scope: NscaleImageScope | null;
  statuses: NscaleImageState[];
}

type RawQuery = Record<string, string | string[] | undefined>;

/**
 * Reads the query as the seed's OpenAPI defines it (arrays in form style,
 * `status=ready&status=failed`); a value outside an enum is a 400, as the
 * service's OpenAPI request validation answers. Unknown parameters are ignored.
 */
export function parseImageListQuery(query: RawQuery): NscaleImageListQuery {
  const organizationIds = [...new Set(list(query.organizationID).filter((id) => id !== ''))];
  const scopes = list(query.scope);
  if (scopes.length > 1) throw invalid('scope must be given at most once');
  const scope = scopes[0] ?? null;
  if (scope !== null && !isOneOf(NSCALE_IMAGE_SCOPES, scope)) {
    throw invalid(`scope: value is not one of the allowed values ["owned","available"]`);
  }
  const statuses = list(query.status);
  for (const status of statuses) {
    if (!isOneOf(NSCALE_IMAGE_STATES, status)) {
      throw invalid(`status: value is not one of the allowed values ["pending","creating","ready","failed"]`);
    }
  }
  if (scope === 'owned' && organizationIds.length === 0) {
    throw invalid('organizationID must be specified with scope owned');
  }
  return { organizationIds, scope, statuses: statuses as NscaleImageState[] };
}

/**
 * Whether the image is in the listing for this query and caller. `owned`: the
 * organizations' own images; `available` (and no scope at all): global images
 * plus the organizations' own. Without organizationID the caller's own
 * organizations stand in.
 */
export function imageFilter(
  query: NscaleImageListQuery,
  callerOrganizationIds: readonly string[],
): (record: NscaleImageRecord) => boolean {
  const organizations = new Set(query.organizationIds.length > 0 ? query.organizationIds : callerOrganizationIds);
  const statuses = query.statuses.length > 0 ? new Set<string>(query.statuses) : null;
  const includeGlobal = query.scope !== 'owned';
  return (record) =>
    (record.organizationId === null ? includeGlobal : organizations.has(record.organizationId)) &&
    (statuses === null || statuses.has(record.image.status.state));
}

function list(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function isOneOf<T extends string>(allowed: readonly T[], value: string): value is T {
  return (allowed as readonly string[]).includes(value);
}

function invalid(description: string): NscaleHttpError {
  return new NscaleHttpError(400, 'invalid_request', description);
}
