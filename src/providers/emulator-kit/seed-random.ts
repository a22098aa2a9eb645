import { createSeededRandom } from './fault-injection';

/**
 * Deterministic random helpers over the shared mulberry32 PRNG, for the seed
 * generators: the same seed draws the same sequence, so a generator's images
 * (ids included) are the same on every run. Changing how a helper draws changes
 * every generator's output.
 */
export class SeedRandom {
  private readonly next: () => number;

  constructor(seed: number) {
    this.next = createSeededRandom(seed);
  }

  /** In [0, 1). */
  float(): number {
    return this.next();
  }

  /** An integer from min to max, both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** An integer from `fromMs` (included) to `toMs` (excluded). */
  between(fromMs: number, toMs: number): number {
    return fromMs + Math.floor(this.next() * (toMs - fromMs));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Lower-case hex digits, 32 bits per draw. */
  hex(length: number): string {
    let out = '';
    while (out.length < length)
      out += Math.floor(this.next() * 0x100000000)
        .toString(16)
        .padStart(8, '0');
    return out.slice(0, length);
  }

  /** A version-4 UUID. */
  uuid(): string {
    const h = this.hex(32);
    const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  /** Fisher–Yates, in place; answers `items`. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }
}

/** FNV-1a over the label, folded into the numeric seed: one seed gives different images per label (dialect, VPC…). */
export function mixSeed(seed: number, label: string): number {
  let hash = 0x811c9dc5 ^ seed;
  for (let i = 0; i < label.length; i++) {
    hash ^= label.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
