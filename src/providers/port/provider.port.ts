import type { Capabilities, ProviderOperation } from './capabilities';
import type { NormalizedImage } from './normalized-image';
import { OperationNotSupportedError, ProviderRejectedError } from '../../platform/errors/provider.errors';
import type { CreateImageSpec, CreateSpecProblem, ProviderWrites } from './provider-writes';

/**
 * The single seam every backend implements. The broker's services talk to
 * clouds only through this interface; an adapter declares what it can do in
 * `capabilities`, and the API answers 501 for the rest.
 */
export interface ProviderAdapter extends ProviderWrites {
  readonly name: string;
  readonly kind: string;
  readonly capabilities: Capabilities;
  /** Regions this connection serves ('' entries are not allowed; [] when regionless). */
  readonly regions: readonly string[];

  /** Every image the connection can see, following the provider's pagination to the end. */
  listImages(signal?: AbortSignal): AsyncIterable<NormalizedImage>;

  /** One image, or null when the provider says it does not exist. */
  getImage(nativeId: string, region?: string): Promise<NormalizedImage | null>;
}

/** Throws the 501 error when the adapter lacks the operation. */
export function requireCapability(adapter: ProviderAdapter, operation: ProviderOperation): void {
  if (!adapter.capabilities[operation]) {
    throw new OperationNotSupportedError(adapter.name, adapter.kind, operation);
  }
}

/**
 * The adapter's method for a write operation, bound, or the 501 error when
 * the provider lacks the capability (or this version has not implemented it).
 */
export function operation<K extends keyof ProviderWrites>(
  adapter: ProviderAdapter,
  capability: ProviderOperation,
  method: K,
): NonNullable<ProviderWrites[K]> {
  requireCapability(adapter, capability);
  const fn = adapter[method];
  if (typeof fn !== 'function') throw new OperationNotSupportedError(adapter.name, adapter.kind, capability);
  return fn.bind(adapter) as NonNullable<ProviderWrites[K]>;
}

/**
 * Everything that keeps `spec` from becoming an active image at this
 * provider, known before any call: a missing create or upload capability
 * (field `provider`), then what the adapter itself refuses at create, and at
 * upload when `needs` names it.
 */
export function createProblems(
  adapter: ProviderAdapter,
  spec: CreateImageSpec,
  needs: readonly ProviderOperation[] = ['create'],
): CreateSpecProblem[] {
  const lacking = needs.filter((op) => !adapter.capabilities[op]);
  if (lacking.length > 0 || typeof adapter.createImage !== 'function') {
    const ops = lacking.length > 0 ? lacking : ['create'];
    return [
      {
        field: 'provider',
        message: `'${adapter.name}' (${adapter.kind}) does not support the ${ops.map((op) => `'${op}'`).join(' and ')} operation${ops.length > 1 ? 's' : ''}`,
      },
    ];
  }
  return [
    ...(adapter.createProblems?.(spec) ?? []),
    ...(needs.includes('upload') ? (adapter.uploadProblems?.(spec) ?? []) : []),
  ];
}

/** An adapter's createImage refuses what its createProblems names, in one message naming each field. */
export function refuseProblems(provider: string, problems: readonly CreateSpecProblem[]): void {
  if (problems.length === 0) return;
  throw new ProviderRejectedError(
    provider,
    `Provider '${provider}' cannot register this image: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`,
  );
}
