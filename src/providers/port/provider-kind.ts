import type { AdapterFactory } from './adapter-factory';
import type { Capabilities } from './capabilities';
import type { KindSandbox } from './kind-sandbox';

/** A class-validator class: the connection schema of a kind, or one of its auth types. */
export type ValidationClass = new () => object;

/**
 * Everything the broker knows about one provider kind, exported by the kind's
 * folder (kinds/<kind>/<kind>.kind.ts) and listed once in kinds/provider-kinds.ts.
 * Config validation, the admin API, the adapter factories and the sandbox all
 * read it, so adding a kind is one folder plus one line in that list.
 */
export interface ProviderKindDefinition extends AdapterFactory {
  /** The kind's name, as `kind:` in the providers file and the API. */
  readonly kind: string;
  /** The one class-validator class of its connection (without `auth`), for the providers file and the admin API. */
  readonly connection: ValidationClass;
  /** Its auth types: `auth.type` value -> the class that validates the auth block. */
  readonly auth: Readonly<Record<string, ValidationClass>>;
  /** What its adapters can do (the API answers 501 for the rest). */
  readonly capabilities: Capabilities;
  /** Its emulators and sandbox seed, loaded lazily (see loadKindSandbox for why). */
  sandbox(): Promise<KindSandbox>;
}

/** Injection token of the kinds the running broker knows (PROVIDER_KINDS unless a test adds one). */
export const PROVIDER_KIND_DEFINITIONS = Symbol('PROVIDER_KINDS');
