import type { GlanceConnection } from '../../config/provider-connection.types';
import type { ProviderHttpClient } from '../../http/provider-http-client';
import { capabilities, PROVIDER_OPERATIONS } from '../../provider-port/capabilities';
import type { NormalizedImage } from '../../provider-port/normalized-image';
import { ProviderProtocolError } from '../../provider-port/provider.errors';
import type { ProviderAdapter } from '../../provider-port/provider.port';
import { type AdapterHttpOverrides, createConnectionHttpClient } from '../shared/connection-http-client';
import { type GlanceImageListPayload, type GlanceImagePayload, isGlanceImagePayload } from './glance-image.payload';
import { GlanceImageTranslator, type GlanceTranslationContext } from './glance-image.translator';
import { createGlanceAuthSource } from './keystone-auth';

export const GLANCE_KIND = 'openstack-glance';
const DEFAULT_PAGE_SIZE = 100;

export interface GlanceAdapterOptions {
  /** Client overrides (tests: sleep, random, an `authenticate` stub, short timeouts). */
  http?: AdapterHttpOverrides;
  pageSize?: number;
}

/**
 * Any Glance v2 endpoint: NHN Cloud (dialect `nhn`), Vietnix and stock
 * OpenStack (`standard`). One connection serves one region.
 */
export class GlanceAdapter implements ProviderAdapter {
  readonly kind = GLANCE_KIND;
  readonly name: string;
  // Glance v2 has every operation of the port; the write paths land in later work.
  readonly capabilities = capabilities(PROVIDER_OPERATIONS);
  readonly regions: readonly string[];

  private readonly http: ProviderHttpClient;
  private readonly translator = new GlanceImageTranslator();
  private readonly context: GlanceTranslationContext;
  private readonly listQuery: Readonly<Record<string, string>>;

  constructor(conn: GlanceConnection, options: GlanceAdapterOptions = {}) {
    this.name = conn.name;
    this.regions = conn.region ? [conn.region] : [];
    this.context = { region: conn.region ?? '', dialect: conn.dialect };
    // Ascending creation order keeps markers stable while new images are being added.
    this.listQuery = { limit: String(options.pageSize ?? DEFAULT_PAGE_SIZE), sort_key: 'created_at', sort_dir: 'asc' };
    this.http = createConnectionHttpClient(conn, options.http, (tuning) => createGlanceAuthSource(conn, tuning));
  }

  /** Pages are fetched as the consumer pulls, so a huge catalogue never sits in memory at once. */
  async *listImages(signal?: AbortSignal): AsyncGenerator<NormalizedImage> {
    const seenMarkers = new Set<string>();
    let path: string | null = '/v2/images';
    let query: Readonly<Record<string, string>> | undefined = this.listQuery;
    while (path !== null) {
      const page = await this.fetchPage(path, query, signal);
      for (const image of page.images) yield this.translate(image);
      path = page.next == null ? null : this.nextPagePath(page.next, seenMarkers);
      query = undefined;
    }
  }

  /** Glance images live in the connection's one region, so `region` does not change the lookup. */
  async getImage(nativeId: string): Promise<NormalizedImage | null> {
    if (nativeId === '') return null;
    const response = await this.http.request({
      method: 'GET',
      path: `/v2/images/${encodeURIComponent(nativeId)}`,
      expectedStatus: [404],
    });
    if (response.status === 404) return null;
    if (!isGlanceImagePayload(response.body)) throw this.protocolError(`GET /v2/images/{id} answered no image`);
    return this.translate(response.body);
  }

  private translate(image: GlanceImagePayload): NormalizedImage {
    return this.translator.toNormalized(image, this.context);
  }

  private async fetchPage(
    path: string,
    query: Readonly<Record<string, string>> | undefined,
    signal: AbortSignal | undefined,
  ): Promise<GlanceImageListPayload> {
    const { body } = await this.http.request<unknown>({ method: 'GET', path, query, signal });
    if (!isImageListPage(body)) throw this.protocolError(`GET ${path} answered no image list`);
    return body;
  }

  /**
   * The next page's path, with our limit and sort restored where the provider's
   * `next` link drops them (NHN's does): a marker only means something under
   * the sort order that produced it.
   */
  private nextPagePath(next: string, seenMarkers: Set<string>): string {
    const absolute = /^https?:\/\//i.test(next);
    const url = new URL(next, 'http://next-link.invalid');
    const marker = url.searchParams.get('marker') ?? next;
    if (seenMarkers.has(marker)) throw this.protocolError(`image list pagination loops at marker '${marker}'`);
    seenMarkers.add(marker);
    for (const [key, value] of Object.entries(this.listQuery)) {
      if (!url.searchParams.has(key)) url.searchParams.set(key, value);
    }
    return absolute ? url.href : `${url.pathname}${url.search}`;
  }

  private protocolError(detail: string): ProviderProtocolError {
    return new ProviderProtocolError(this.name, `Provider '${this.name}': ${detail}`);
  }
}

function isImageListPage(body: unknown): body is GlanceImageListPayload {
  if (typeof body !== 'object' || body === null) return false;
  const { images, next } = body as { images?: unknown; next?: unknown };
  return Array.isArray(images) && images.every(isGlanceImagePayload) && (next == null || typeof next === 'string');
}

export function createGlanceAdapter(conn: GlanceConnection): GlanceAdapter {
  return new GlanceAdapter(conn);
}
