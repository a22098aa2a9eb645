import type { GenesisConnection } from '../../connections/provider-connection.types';
import { bearerTokenSource } from '../../../platform/outbound-http/static-header-source';
import type { ProviderHttpClient } from '../../../platform/outbound-http/provider-http-client';
import { capabilities } from '../../port/capabilities';
import type { NormalizedImage } from '../../port/normalized-image';
import { ProviderProtocolError } from '../../../platform/errors/provider.errors';
import type { ProviderAdapter } from '../../port/provider.port';
import { type AdapterHttpOverrides, createConnectionHttpClient } from '../shared/connection-http-client';
import {
  type GenesisImageListPayload,
  type GenesisImagePayload,
  type GenesisImageType,
  isGenesisImageListPayload,
} from './genesis-image.payload';
import { GenesisImageTranslator } from './genesis-image.translator';

export const GENESIS_KIND = 'genesis-cloud';
export const GENESIS_IMAGES_PATH = '/compute/v1/images';
/** Genesis caps `per_page` at 100 ("lower than or equal to 100"); its default is 50. */
export const GENESIS_MAX_PAGE_SIZE = 100;

export interface GenesisAdapterOptions {
  /** Client overrides (tests: sleep, random, short timeouts). */
  http?: AdapterHttpOverrides;
  /** `per_page`, 1–100; 100 when omitted, so a catalogue takes as few calls as Genesis allows. */
  pageSize?: number;
  /**
   * Only these image types, one `?type=` listing each. Omitted: one unfiltered
   * listing, which also carries types Genesis may add later.
   */
  types?: readonly GenesisImageType[];
}

/** What a GenesisAdapter can do; its kind's definition shows the same. */
export const GENESIS_CAPABILITIES = capabilities(['list', 'get']);

/**
 * Genesis Cloud's compute API. One connection is one account across all its
 * regions; each image comes back once per region it is usable in (see
 * GenesisImageTranslator). Genesis documents only the image list, so `get`
 * reads that list until it meets the id.
 */
export class GenesisAdapter implements ProviderAdapter {
  readonly kind = GENESIS_KIND;
  readonly name: string;
  readonly capabilities = GENESIS_CAPABILITIES;
  /** The connection has no region setting: images carry their own regions. */
  readonly regions: readonly string[] = [];

  private readonly http: ProviderHttpClient;
  private readonly translator = new GenesisImageTranslator();
  private readonly pageSize: number;
  private readonly types: readonly (GenesisImageType | undefined)[];

  constructor(conn: GenesisConnection, options: GenesisAdapterOptions = {}) {
    this.name = conn.name;
    this.pageSize = checkedPageSize(options.pageSize ?? GENESIS_MAX_PAGE_SIZE);
    this.types = options.types && options.types.length > 0 ? [...new Set(options.types)] : [undefined];
    this.http = createConnectionHttpClient(conn, options.http, () => bearerTokenSource(conn.auth.token));
  }

  /**
   * Pages are fetched as the consumer pulls. An image seen twice in one listing
   * (offset pages shift when images are added meanwhile) is yielded once.
   */
  async *listImages(signal?: AbortSignal): AsyncGenerator<NormalizedImage> {
    const seen = new Set<string>();
    for await (const payload of this.payloads(signal)) {
      for (const image of this.translator.toNormalizedPerRegion(payload)) {
        const key = `${image.region}\u0000${image.nativeId}`;
        if (seen.has(key)) continue;
        seen.add(key);
        yield image;
      }
    }
  }

  /**
   * The image as listed in `region`; without a region, its first listed region.
   * Null when Genesis does not list the id, or does not list it in that region.
   */
  async getImage(nativeId: string, region?: string): Promise<NormalizedImage | null> {
    if (nativeId === '') return null;
    for await (const payload of this.payloads()) {
      if (payload.id !== nativeId) continue;
      const copies = this.translator.toNormalizedPerRegion(payload);
      if (region === undefined) return copies[0];
      return copies.find((image) => image.region === region) ?? null;
    }
    return null;
  }

  private async *payloads(signal?: AbortSignal): AsyncGenerator<GenesisImagePayload> {
    for (const type of this.types) yield* this.pagesOf(type, signal);
  }

  /**
   * `page` = 1, 2, … until a page comes back shorter than its `per_page`.
   * `total_count` is not trusted to stop early: Genesis' own example answers
   * total_count 2 beside four images.
   */
  private async *pagesOf(
    type: GenesisImageType | undefined,
    signal?: AbortSignal,
  ): AsyncGenerator<GenesisImagePayload> {
    let previousFirstId: string | undefined;
    for (let page = 1; ; page++) {
      const body = await this.fetchPage(page, type, signal);
      const firstId = body.images[0]?.id;
      if (firstId !== undefined && firstId === previousFirstId) {
        throw this.protocolError(`GET ${GENESIS_IMAGES_PATH} answered page ${page} with page ${page - 1}'s images`);
      }
      previousFirstId = firstId;
      yield* body.images;
      const perPage = positiveInteger(body.per_page) ?? this.pageSize;
      if (body.images.length === 0 || body.images.length < perPage) return;
    }
  }

  private async fetchPage(
    page: number,
    type: GenesisImageType | undefined,
    signal: AbortSignal | undefined,
  ): Promise<GenesisImageListPayload> {
    const { body } = await this.http.request<unknown>({
      method: 'GET',
      path: GENESIS_IMAGES_PATH,
      query: { type, page, per_page: this.pageSize },
      signal,
    });
    if (!isGenesisImageListPayload(body)) throw this.protocolError(`GET ${GENESIS_IMAGES_PATH} answered no image list`);
    return body;
  }

  private protocolError(detail: string): ProviderProtocolError {
    return new ProviderProtocolError(this.name, `Provider '${this.name}': ${detail}`);
  }
}

function checkedPageSize(size: number): number {
  if (!Number.isInteger(size) || size < 1 || size > GENESIS_MAX_PAGE_SIZE) {
    throw new RangeError(`Genesis page size must be an integer from 1 to ${GENESIS_MAX_PAGE_SIZE}, not ${size}`);
  }
  return size;
}

function positiveInteger(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : null;
}

export function createGenesisAdapter(conn: GenesisConnection): GenesisAdapter {
  return new GenesisAdapter(conn);
}
