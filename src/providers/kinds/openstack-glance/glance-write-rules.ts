import type { GlanceConnection } from '../../connections/provider-connection.types';
import type { ImageVisibility } from '../../port/normalized-image';
import { ProviderRejectedError } from '../../../platform/errors/provider.errors';
import type { CreateImageSpec, CreateSpecProblem } from '../../port/provider-writes';
import { osType } from '../shared/os-normalization';
import { GLANCE_CORE_ATTRIBUTES } from './glance-image.payload';

/**
 * Checks the broker makes before writing to Glance, where the refusal is
 * certain and Glance's own answer would be less clear (or, for a property
 * named like a core attribute, would silently change the wrong thing).
 */

type Dialect = GlanceConnection['dialect'];

/** NHN's guide offers tenants only these two on create and on change. */
const NHN_VISIBILITIES: readonly ImageVisibility[] = ['private', 'shared'];

export function assertVisibilityAllowed(provider: string, dialect: Dialect, visibility: ImageVisibility): void {
  if (dialect === 'nhn' && !NHN_VISIBILITIES.includes(visibility)) {
    throw new ProviderRejectedError(
      provider,
      `Provider '${provider}' (NHN Cloud) accepts visibility 'private' or 'shared' only, not '${visibility}'`,
    );
  }
}

/**
 * Glance keeps custom properties as top-level keys beside its own attributes,
 * so a property called `name` or `status` would address the attribute instead.
 */
export function assertPropertyKeys(provider: string, keys: Iterable<string>): void {
  for (const key of keys) {
    if (key === '') throw new ProviderRejectedError(provider, `Provider '${provider}': a property name is empty`);
    if (GLANCE_CORE_ATTRIBUTES.has(key)) {
      throw new ProviderRejectedError(
        provider,
        `Provider '${provider}': '${key}' is a Glance image attribute and cannot be set as a property`,
      );
    }
  }
}

/** Glance's default `disk_formats` and `container_formats` (glance-api.conf); a create with another is a 400. */
export const GLANCE_DISK_FORMATS = ['ami', 'ari', 'aki', 'vhd', 'vhdx', 'vmdk', 'raw', 'qcow2', 'vdi', 'iso', 'ploop'];
export const GLANCE_CONTAINER_FORMATS = ['ami', 'ari', 'aki', 'bare', 'ovf', 'ova', 'docker', 'compressed'];

/**
 * What Glance refuses in a create, as field problems: the same rules
 * glanceCreateRequest asserts, checked by the adapter before it sends and by
 * services before they queue work (a replication's targets).
 */
export function glanceCreateProblems(spec: CreateImageSpec, dialect: Dialect, provider: string): CreateSpecProblem[] {
  const problems: CreateSpecProblem[] = [];
  for (const key of Object.keys(spec.properties)) {
    if (key === '' || GLANCE_CORE_ATTRIBUTES.has(key)) {
      problems.push({
        field: `properties.${key}`,
        message:
          key === ''
            ? 'a property name is empty'
            : `'${key}' is a Glance image attribute and cannot be set as a property`,
      });
    }
  }
  if (spec.diskFormat !== null && !GLANCE_DISK_FORMATS.includes(spec.diskFormat)) {
    problems.push({
      field: 'diskFormat',
      message: `'${spec.diskFormat}' is not one of ${GLANCE_DISK_FORMATS.join(', ')}`,
    });
  }
  if (spec.containerFormat !== null && !GLANCE_CONTAINER_FORMATS.includes(spec.containerFormat)) {
    problems.push({
      field: 'containerFormat',
      message: `'${spec.containerFormat}' is not one of ${GLANCE_CONTAINER_FORMATS.join(', ')}`,
    });
  }
  if (dialect === 'nhn') {
    if (spec.visibility !== null && !NHN_VISIBILITIES.includes(spec.visibility)) {
      problems.push({
        field: 'visibility',
        message: `'${provider}' (NHN Cloud) accepts 'private' or 'shared' only, not '${spec.visibility}'`,
      });
    }
    if (spec.os.type === null) {
      problems.push({ field: 'os.type', message: `'${provider}' (NHN Cloud) requires os.type ('linux' or 'windows')` });
    } else if (osType(spec.os.type) === null) {
      problems.push({
        field: 'os.type',
        message: `'${provider}' (NHN Cloud) accepts 'linux' or 'windows' only, not '${spec.os.type}'`,
      });
    }
  }
  return problems;
}

/** Glance refuses data for an image whose disk and container formats are unset: both must be there before the upload. */
export function glanceUploadProblems(spec: CreateImageSpec): CreateSpecProblem[] {
  return [
    ...(spec.diskFormat === null
      ? [{ field: 'diskFormat', message: 'is required by Glance before data is uploaded' }]
      : []),
    ...(spec.containerFormat === null
      ? [{ field: 'containerFormat', message: 'is required by Glance before data is uploaded' }]
      : []),
  ];
}
