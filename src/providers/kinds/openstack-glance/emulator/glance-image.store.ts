import type { GlanceImageInit, GlanceImageRecord, GlanceImageStatus } from './glance.types';
import { glanceTimestamp } from './glance.types';

/**
 * In-memory image table of the emulator. Records handed out are the live ones,
 * so tests can tweak a record directly; the routes go through the same object.
 */
export class GlanceImageStore {
  private readonly images = new Map<string, GlanceImageRecord>();

  constructor(
    seed: GlanceImageInit[] = [],
    private readonly now: () => number = Date.now,
  ) {
    for (const image of seed) this.add(image);
  }

  /** Adds (or overwrites) an image, filling Glance's defaults for missing attributes. */
  add(init: GlanceImageInit): GlanceImageRecord {
    const record = newGlanceImageRecord(init, glanceTimestamp(this.now()));
    this.images.set(record.id, record);
    return record;
  }

  get(id: string): GlanceImageRecord | undefined {
    return this.images.get(id);
  }

  has(id: string): boolean {
    return this.images.has(id);
  }

  remove(id: string): GlanceImageRecord | undefined {
    const record = this.images.get(id);
    this.images.delete(id);
    return record;
  }

  all(): GlanceImageRecord[] {
    return [...this.images.values()];
  }

  count(): number {
    return this.images.size;
  }

  clear(): void {
    this.images.clear();
  }

  /** Applies `mutate` and bumps `updated_at`, like every write in Glance. */
  update(id: string, mutate: (record: GlanceImageRecord) => void): GlanceImageRecord | undefined {
    const record = this.images.get(id);
    if (!record) return undefined;
    mutate(record);
    this.touch(record);
    return record;
  }

  setStatus(id: string, status: GlanceImageStatus): GlanceImageRecord | undefined {
    return this.update(id, (record) => {
      record.status = status;
    });
  }

  touch(record: GlanceImageRecord): void {
    record.updated_at = glanceTimestamp(this.now());
  }
}

/**
 * A record with Glance's defaults for every attribute `init` leaves out, created
 * (and, unless `init` says when it was created, updated) at `stamp`. Its lists
 * and objects are copies, so the record never shares them with `init`.
 */
export function newGlanceImageRecord(init: GlanceImageInit, stamp: string): GlanceImageRecord {
  return {
    name: null,
    status: 'queued',
    visibility: 'shared',
    owner: null,
    protected: false,
    os_hidden: false,
    container_format: null,
    disk_format: null,
    min_disk: 0,
    min_ram: 0,
    size: null,
    virtual_size: null,
    checksum: null,
    os_hash_algo: null,
    os_hash_value: null,
    created_at: stamp,
    updated_at: init.created_at ?? stamp,
    ...init,
    tags: [...(init.tags ?? [])],
    extra: { ...(init.extra ?? {}) },
    members: (init.members ?? []).map((m) => ({ ...m })),
  };
}
