import type { ProviderKindDefinition } from '../port/provider-kind';
import { fptKind } from './fpt-metal-cloud/fpt.kind';
import { genesisKind } from './genesis-cloud/genesis.kind';
import { nscaleKind } from './nscale/nscale.kind';
import { glanceKind } from './openstack-glance/glance.kind';

/**
 * Every provider kind the broker ships, in the order the sandbox and the docs
 * show them. Everything that lists kinds reads this (config validation, the
 * admin API's Swagger, the adapter factories, the sandbox): a new kind is a
 * folder beside this file plus one line here.
 */
export const PROVIDER_KINDS: readonly ProviderKindDefinition[] = [glanceKind, fptKind, genesisKind, nscaleKind];

/** The names of the shipped kinds, for Swagger's enum. */
export const PROVIDER_KIND_NAMES: readonly string[] = PROVIDER_KINDS.map((k) => k.kind);
