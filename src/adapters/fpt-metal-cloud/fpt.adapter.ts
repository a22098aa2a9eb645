import type { FptConnection } from '../../config/provider-connection.types';
import { bearerTokenSource } from '../../http/static-header-source';
import type { ProviderHttpClient } from '../../http/provider-http-client';
import { capabilities } from '../../provider-port/capabilities';
import type { NormalizedImage } from '../../provider-port/normalized-image';
import { ProviderProtocolError } from '../../provider-port/provider.errors';
import type { ProviderAdapter } from '../../provider-port/provider.port';
import { type AdapterHttpOverrides, createConnectionHttpClient } from '../shared/connection-http-client';
import { type FptImageItemPayload, fptImageId, isFptImageList } from './fpt-image.payload';
import { type FptImageSource, FptImageTranslator } from './fpt-image.translator';

export const FPT_KIND = 'fpt-metal-cloud';

export interface FptAdapterOptions {
  /** Client overrides (tests: sleep, random, short timeouts, more retries). */
  http?: Omit<AdapterHttpOverrides, 'authenticate'>;
}

/** The list path of each source, under `/api/v2/vmware/vpc/{vpc_id}/hpc/`. */
const LIST_PATHS: Readonly<Record<FptImageSource, string>> = { public: 'images', custom: 'custom-images' };

/**
 * FPT Metal Cloud (bare-metal Hopper GPU servers): the public and the custom
 * image lists of one VPC. Neither list is paginated, and there is no single-image
 * endpoint, so both operations read whole lists.
 */
export class FptAdapter implements ProviderAdapter {
  readonly kind = FPT_KIND;
  readonly name: string;
  // From the seed: list, register (create), presign + complete (upload), delete.
  // No download, no update, no tags, no members. Only list/get are implemented so far.
  readonly capabilities = capabilities(['list', 'get', 'create', 'upload', 'delete']);
  readonly regions: readonly string[];

  private readonly http: ProviderHttpClient;
  private readonly translator = new FptImageTranslator();
  private readonly region: string;
  private readonly vpcPath: string;

  constructor(conn: FptConnection, options: FptAdapterOptions = {}) {
    this.name = conn.name;
    this.region = conn.region ?? '';
    this.regions = conn.region ? [conn.region] : [];
    this.vpcPath = `/api/v2/vmware/vpc/${encodeURIComponent(conn.vpcId)}/hpc`;
    this.http = createConnectionHttpClient(conn, options.http, () => bearerTokenSource(conn.auth.token));
  }

  /** FPT's public images first, then the VPC's custom images; each list is one response. */
  async *listImages(signal?: AbortSignal): AsyncGenerator<NormalizedImage> {
    for (const source of ['public', 'custom'] as const) {
      const items = await this.fetchList(source, signal);
      for (const item of items) yield this.translator.toNormalized(item, { region: this.region, source });
    }
  }

  /**
   * No get-by-id endpoint exists, so the id is looked up in the lists: custom
   * first, as those are the images the broker creates and then checks on.
   */
  async getImage(nativeId: string): Promise<NormalizedImage | null> {
    if (nativeId === '') return null;
    for (const source of ['custom', 'public'] as const) {
      const items = await this.fetchList(source);
      const item = items.find((candidate) => fptImageId(candidate) === nativeId);
      if (item) return this.translator.toNormalized(item, { region: this.region, source });
    }
    return null;
  }

  private async fetchList(source: FptImageSource, signal?: AbortSignal): Promise<FptImageItemPayload[]> {
    const path = `${this.vpcPath}/${LIST_PATHS[source]}`;
    const { body } = await this.http.request<unknown>({ method: 'GET', path, signal });
    if (!isFptImageList(body)) {
      throw new ProviderProtocolError(
        this.name,
        `Provider '${this.name}': GET ${path} answered no {data: [...]} image list with an id on every item`,
      );
    }
    return body.data;
  }
}

export function createFptAdapter(conn: FptConnection): FptAdapter {
  return new FptAdapter(conn);
}
