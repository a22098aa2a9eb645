import type { GlanceConnection } from '../../config/provider-connection.types';
import type { ImageVisibility } from '../../provider-port/normalized-image';
import { ProviderRejectedError } from '../../provider-port/provider.errors';
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
