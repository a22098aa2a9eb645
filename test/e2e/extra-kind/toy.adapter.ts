import { ProviderProtocolError } from '../../../src/platform/errors/provider.errors';
import { capabilities } from '../../../src/providers/port/capabilities';
import type { NormalizedImage } from '../../../src/providers/port/normalized-image';
import type { ProviderAdapter } from '../../../src/providers/port/provider.port';
import type { ToyImageRecord } from './emulator/toy-seed';
import type { ToyConnectionDto } from './toy-connection.dto';

/** The toy cloud only lists its shelves. */
export const TOY_CAPABILITIES = capabilities(['list', 'get']);

/**
 * Reads one shelf of the toy cloud (emulator/toy.emulator.ts documents its API).
 * A toy: plain fetch, one page, no retries; a real kind calls through the
 * broker's HTTP client instead (see src/providers/kinds/shared).
 */
export class ToyAdapter implements ProviderAdapter {
  readonly kind = 'toy-cloud';
  readonly name: string;
  readonly capabilities = TOY_CAPABILITIES;
  readonly regions: readonly string[] = [];

  constructor(private readonly connection: ToyConnectionDto) {
    this.name = connection.name;
  }

  async *listImages(signal?: AbortSignal): AsyncGenerator<NormalizedImage> {
    for (const record of await this.shelf(signal)) yield toNormalized(record);
  }

  async getImage(nativeId: string): Promise<NormalizedImage | null> {
    const record = (await this.shelf()).find((image) => image.id === nativeId);
    return record ? toNormalized(record) : null;
  }

  private async shelf(signal?: AbortSignal): Promise<ToyImageRecord[]> {
    const path = `/shelves/${this.connection.shelf}/images`;
    const res = await fetch(new URL(path, this.connection.endpoint), {
      headers: { authorization: `Bearer ${this.connection.auth.token}` },
      signal,
    });
    const body = (await res.json().catch(() => null)) as { images?: ToyImageRecord[]; error?: string } | null;
    if (!res.ok || !Array.isArray(body?.images)) {
      throw new ProviderProtocolError(
        this.name,
        `Provider '${this.name}': GET ${path} answered ${res.status} ${body?.error ?? ''}`.trim(),
        res.status,
      );
    }
    return body.images;
  }
}

function toNormalized(record: ToyImageRecord): NormalizedImage {
  return {
    nativeId: record.id,
    region: '',
    name: record.title,
    kind: 'base-os',
    visibility: 'public',
    status: 'active',
    nativeStatus: null,
    os: {
      type: 'linux',
      family: null,
      distro: record.distro,
      version: record.version,
      codename: null,
      architecture: record.arch,
    },
    gpu: null,
    softwareVersions: null,
    sizeBytes: record.bytes,
    minDiskGiB: null,
    minRamMiB: null,
    diskFormat: null,
    containerFormat: null,
    checksums: { md5: null, sha256: null, sha512: null },
    tags: [],
    properties: {},
    versions: null,
    protected: null,
    createdAt: new Date(record.created),
    updatedAt: null,
    native: { ...record },
  };
}
