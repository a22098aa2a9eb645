import type { GenesisImageInit, GenesisImageRecord, GenesisImageType } from './genesis.types';

/**
 * In-memory image table of the emulator, in insertion order (the order the
 * list answers in). Records handed out are the live ones, so tests can tweak a
 * record directly; the routes read the same objects.
 */
export class GenesisImageStore {
  private readonly images = new Map<string, GenesisImageRecord>();
  /** Ordered snapshot of the table, rebuilt only after a write: lists of 10,000+ images stay cheap per page. */
  private ordered: GenesisImageRecord[] | null = null;

  constructor(
    seed: readonly GenesisImageInit[] = [],
    private readonly now: () => number = Date.now,
  ) {
    for (const image of seed) this.add(image);
  }

  /** Adds (or replaces) an image, filling what Genesis would: no regions or versions, timestamps of now. */
  add(init: GenesisImageInit): GenesisImageRecord {
    const stamp = new Date(this.now()).toISOString();
    const record: GenesisImageRecord = {
      family: null,
      slug: null,
      os_type: null,
      created_at: stamp,
      updated_at: init.created_at ?? stamp,
      ...init,
      regions: [...(init.regions ?? [])],
      versions: [...(init.versions ?? [])],
    };
    this.images.set(record.id, record);
    this.ordered = null;
    return record;
  }

  get(id: string): GenesisImageRecord | undefined {
    return this.images.get(id);
  }

  has(id: string): boolean {
    return this.images.has(id);
  }

  remove(id: string): GenesisImageRecord | undefined {
    const record = this.images.get(id);
    if (this.images.delete(id)) this.ordered = null;
    return record;
  }

  all(): readonly GenesisImageRecord[] {
    this.ordered ??= [...this.images.values()];
    return this.ordered;
  }

  /** Images of one type, or all of them, in list order. */
  ofType(type: GenesisImageType | undefined): readonly GenesisImageRecord[] {
    const all = this.all();
    return type === undefined ? all : all.filter((image) => image.type === type);
  }

  count(): number {
    return this.images.size;
  }

  clear(): void {
    this.images.clear();
    this.ordered = null;
  }
}
