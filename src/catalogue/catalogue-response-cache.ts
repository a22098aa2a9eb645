import { Injectable } from '@nestjs/common';
import { CatalogueVersion } from '../coordination/coordination.module';

const MAX_ENTRIES = 512;
const MAX_BYTES = 64 * 1024 * 1024;

/**
 * Catalogue pages as the bytes sent, per process, keyed by the catalogue
 * version and the request's URL. Reads far outnumber syncs, and a page is the
 * same for every caller until the next write bumps the version. Pages are kept
 * encoded: a JSON page of 100 images is over 100 KB, and encoding that string
 * again for every response cost about a third of each hit. Identical
 * requests that miss together share one database query.
 */
@Injectable()
export class CatalogueResponseCache {
  private readonly entries = new Map<string, Buffer>();
  private readonly inFlight = new Map<string, Promise<Buffer>>();
  private bytes = 0;

  constructor(private readonly version: CatalogueVersion) {}

  async getOrCompute(url: string, compute: () => Promise<Buffer>): Promise<Buffer> {
    const version = await this.version.current();
    if (version === null) return compute();
    const key = `${version}\u0000${url}`;
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      // Re-insert so the Map's order is least-recently-used first.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const promise = compute().then((body) => {
      this.store(key, body);
      return body;
    });
    this.inFlight.set(key, promise);
    try {
      return await promise;
    } finally {
      this.inFlight.delete(key);
    }
  }

  private store(key: string, body: Buffer): void {
    if (body.length > MAX_BYTES / 8) return;
    this.entries.set(key, body);
    this.bytes += body.length;
    for (const [oldKey, oldBody] of this.entries) {
      if (this.entries.size <= MAX_ENTRIES && this.bytes <= MAX_BYTES) break;
      this.entries.delete(oldKey);
      this.bytes -= oldBody.length;
    }
  }
}
