import type { Capabilities, ProviderOperation } from './capabilities';
import type { NormalizedImage } from './normalized-image';
import { OperationNotSupportedError } from './provider.errors';

/**
 * The single seam every backend implements. The broker's services talk to
 * clouds only through this interface; an adapter declares what it can do in
 * `capabilities`, and the API answers 501 for the rest.
 */
export interface ProviderAdapter {
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
