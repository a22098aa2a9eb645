import type { NscaleConnection } from '../../connections/provider-connection.types';
import type { ProviderHttpClient } from '../../../platform/outbound-http/provider-http-client';
import { capabilities } from '../../port/capabilities';
import type { NormalizedImage } from '../../port/normalized-image';
import { ProviderProtocolError } from '../../../platform/errors/provider.errors';
import type { ProviderAdapter } from '../../port/provider.port';
import { type AdapterHttpOverrides, createConnectionHttpClient } from '../shared/connection-http-client';
import {
  isNscaleImagePayload,
  NSCALE_IMAGE_STATES,
  type NscaleImagePayload,
  type NscaleImageScope,
} from './nscale-image.payload';
import { type NscaleImageOwnership, NscaleImageTranslator } from './nscale-image.translator';
import { createNscaleAuthSource } from './oauth2-client-credentials';

export const NSCALE_KIND = 'nscale';

export interface NscaleAdapterOptions {
  /** Client overrides (tests: sleep, random, an `authenticate` source, short timeouts). */
  http?: AdapterHttpOverrides;
}

/** What a NscaleAdapter can do; its kind's definition shows the same. */
export const NSCALE_CAPABILITIES = capabilities(['list', 'get']);

/**
 * nscale's Region Service (unikorn), API v1.13. One connection serves one
 * organization across the regions it lists. The API documents only the image
 * listing, so only list and get (served from the listing) are declared.
 */
export class NscaleAdapter implements ProviderAdapter {
  readonly kind = NSCALE_KIND;
  readonly name: string;
  readonly capabilities = NSCALE_CAPABILITIES;
  readonly regions: readonly string[];

  private readonly http: ProviderHttpClient;
  private readonly translator = new NscaleImageTranslator();
  private readonly organizationId: string;

  constructor(conn: NscaleConnection, options: NscaleAdapterOptions = {}) {
    this.name = conn.name;
    this.regions = [...new Set(conn.regions)];
    this.organizationId = conn.organizationId;
    this.http = createConnectionHttpClient(conn, options.http, (tuning) => createNscaleAuthSource(conn, tuning));
  }

  /** Region by region; each region is two unpaginated reads (see listRegion). */
  async *listImages(signal?: AbortSignal): AsyncGenerator<NormalizedImage> {
    for (const region of this.regions) yield* this.listRegion(region, signal);
  }

  /**
   * The API has no "get one image" path, so the image is looked up in its
   * region's listing: `region` narrows the search to one configured region.
   */
  async getImage(nativeId: string, region?: string): Promise<NormalizedImage | null> {
    if (nativeId === '') return null;
    const regions = region === undefined || region === '' ? this.regions : this.regions.filter((r) => r === region);
    for (const candidate of regions) {
      for await (const image of this.listRegion(candidate)) {
        if (image.nativeId === nativeId) return image;
      }
    }
    return null;
  }

  /**
   * The image payload does not say who owns it, so ownership is read from the
   * scope: first `owned` (the organization's own images), then `available`
   * (global images plus the owned ones again, which are skipped). Neither read
   * is paginated: each answers its whole list at once.
   */
  private async *listRegion(region: string, signal?: AbortSignal): AsyncGenerator<NormalizedImage> {
    const owned = await this.fetchImages(region, 'owned', signal);
    const ownedIds = new Set<string>();
    for (const image of owned) {
      ownedIds.add(image.metadata.id);
      yield this.translate(image, region, 'organization');
    }
    const available = await this.fetchImages(region, 'available', signal);
    for (const image of available) {
      if (!ownedIds.has(image.metadata.id)) yield this.translate(image, region, 'global');
    }
  }

  private async fetchImages(
    region: string,
    scope: NscaleImageScope,
    signal: AbortSignal | undefined,
  ): Promise<NscaleImagePayload[]> {
    const path = `/api/v2/regions/${encodeURIComponent(region)}/images`;
    const { body } = await this.http.request<unknown>({
      method: 'GET',
      path,
      // Every state is asked for explicitly: the catalogue tracks images being built and failed ones too.
      query: { organizationID: [this.organizationId], scope, status: NSCALE_IMAGE_STATES },
      signal,
    });
    if (!Array.isArray(body) || !body.every(isNscaleImagePayload)) {
      throw new ProviderProtocolError(this.name, `Provider '${this.name}': GET ${path} answered no image list`);
    }
    return body;
  }

  private translate(image: NscaleImagePayload, region: string, ownership: NscaleImageOwnership): NormalizedImage {
    return this.translator.toNormalized(image, { region, ownership });
  }
}

export function createNscaleAdapter(conn: NscaleConnection): NscaleAdapter {
  return new NscaleAdapter(conn);
}
