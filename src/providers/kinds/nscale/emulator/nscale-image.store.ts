import type { NscaleImageRecord, NscaleImageState } from './nscale.types';
import { nscaleTimestamp } from './nscale.types';

/**
 * In-memory image table of the emulator, per region. Records handed out are
 * the live ones, so tests can tweak a record directly; the routes read the
 * same objects.
 */
export class NscaleImageStore {
  private readonly regions = new Map<string, Map<string, NscaleImageRecord>>();

  constructor(
    regionIds: readonly string[] = [],
    seed: readonly NscaleImageRecord[] = [],
    private readonly now: () => number = Date.now,
  ) {
    for (const regionId of regionIds) this.addRegion(regionId);
    for (const record of seed) this.add(record);
  }

  /** Makes a region known (its listing answers 200, even while empty). */
  addRegion(regionId: string): void {
    if (!this.regions.has(regionId)) this.regions.set(regionId, new Map());
  }

  hasRegion(regionId: string): boolean {
    return this.regions.has(regionId);
  }

  regionIds(): string[] {
    return [...this.regions.keys()];
  }

  /** Adds (or overwrites) an image, making its region known. */
  add(record: NscaleImageRecord): NscaleImageRecord {
    this.addRegion(record.regionId);
    this.regions.get(record.regionId)?.set(record.image.metadata.id, record);
    return record;
  }

  get(regionId: string, id: string): NscaleImageRecord | undefined {
    return this.regions.get(regionId)?.get(id);
  }

  remove(regionId: string, id: string): NscaleImageRecord | undefined {
    const images = this.regions.get(regionId);
    const record = images?.get(id);
    images?.delete(id);
    return record;
  }

  /** One region's images in insertion order; every region's when regionId is omitted. */
  all(regionId?: string): NscaleImageRecord[] {
    if (regionId !== undefined) return [...(this.regions.get(regionId)?.values() ?? [])];
    return [...this.regions.values()].flatMap((images) => [...images.values()]);
  }

  count(): number {
    let total = 0;
    for (const images of this.regions.values()) total += images.size;
    return total;
  }

  /** Moves an image through its lifecycle, stamping modifiedTime as the service does on every update. */
  setState(regionId: string, id: string, state: NscaleImageState): NscaleImageRecord | undefined {
    const record = this.get(regionId, id);
    if (!record) return undefined;
    record.image.status.state = state;
    record.image.metadata.modifiedTime = nscaleTimestamp(this.now());
    return record;
  }
}
