import { mixSeed, SeedRandom } from './seed-random';

describe('SeedRandom', () => {
  it('draws the same sequence for the same seed, pinned so seeded catalogues stay as they are', () => {
    const rng = new SeedRandom(42);

    expect(rng.uuid()).toBe('99e1ef7c-72c3-4b8a-9a3b-32c0ab73b0ad');
    expect(rng.hex(10)).toBe('2cc09a8a86');
    expect(rng.int(1, 6)).toBe(2);
    expect(rng.float()).toBe(0.6247446539346129);
  });

  it('draws another sequence for another seed', () => {
    expect(new SeedRandom(1).hex(32)).not.toBe(new SeedRandom(2).hex(32));
  });

  it('keeps int() within both bounds and between() below its upper one', () => {
    const rng = new SeedRandom(7);
    const ints = Array.from({ length: 1000 }, () => rng.int(3, 5));
    const times = Array.from({ length: 1000 }, () => rng.between(100, 110));

    expect(new Set(ints)).toEqual(new Set([3, 4, 5]));
    expect(Math.min(...times)).toBeGreaterThanOrEqual(100);
    expect(Math.max(...times)).toBeLessThan(110);
  });

  it('makes version-4 UUIDs and hex of the asked length', () => {
    const rng = new SeedRandom(3);

    expect(rng.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(rng.hex(64)).toMatch(/^[0-9a-f]{64}$/);
    expect(rng.hex(5)).toHaveLength(5);
  });

  it('picks members and shuffles in place without losing any', () => {
    const rng = new SeedRandom(9);
    const items = [1, 2, 3, 4, 5, 6];

    expect(items).toContain(rng.pick(items));
    const shuffled = rng.shuffle(items);
    expect(shuffled).toBe(items);
    expect([...shuffled].sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('answers chance(0) never and chance(1) always', () => {
    const rng = new SeedRandom(11);

    expect(Array.from({ length: 100 }, () => rng.chance(0)).some(Boolean)).toBe(false);
    expect(Array.from({ length: 100 }, () => rng.chance(1)).every(Boolean)).toBe(true);
  });
});

describe('mixSeed', () => {
  it('folds the label into the seed, pinned so seeded catalogues stay as they are', () => {
    expect(mixSeed(1, 'nhn:kr1')).toBe(2262604854);
    expect(mixSeed(1, 'standard:kr1')).toBe(2058216599);
    expect(mixSeed(0, '')).toBe(0x811c9dc5);
  });
});
