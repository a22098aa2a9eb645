import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { CatalogueVersion } from '../platform/coordination/coordination.module';

const MAX_ENTRIES = 512;
const MAX_BYTES = 64 * 1024 * 1024;

/** A catalogue page as sent, with its entity tag. */
export interface CataloguePage {
  body: Buffer;
  /** A strong ETag drawn from the bytes: a page that did not change keeps it across catalogue writes. */
  etag: string;
}

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
  private readonly entries = new Map<string, CataloguePage>();
  private readonly inFlight = new Map<string, Promise<CataloguePage>>();
  private bytes = 0;

  constructor(private readonly version: CatalogueVersion) {}

  async getOrCompute(url: string, compute: () => Promise<Buffer>): Promise<CataloguePage> {
    const version = await this.version.current();
    if (version === null) return pageOf(await compute());
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
      const page = pageOf(body);
      this.store(key, page);
      return page;
    });
    this.inFlight.set(key, promise);
    try {
      return await promise;
    } finally {
      this.inFlight.delete(key);
    }
  }

  private store(key: string, page: CataloguePage): void {
    if (page.body.length > MAX_BYTES / 8) return;
    this.entries.set(key, page);
    this.bytes += page.body.length;
    for (const [oldKey, oldPage] of this.entries) {
      if (this.entries.size <= MAX_ENTRIES && this.bytes <= MAX_BYTES) break;
      this.entries.delete(oldKey);
      this.bytes -= oldPage.body.length;
    }
  }
}

function pageOf(body: Buffer): CataloguePage {
  return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"` };
}
