import { segmentCount, segmentKey, segmentLength, segmentSlices } from './segmented-layout';

describe('segmented staging layout', () => {
  it('names segments so that a listing sorts them in order', () => {
    expect(segmentKey('uploads/a/b', 0)).toBe('uploads/a/b/00000000');
    expect(segmentKey('uploads/a/b', 12)).toBe('uploads/a/b/00000012');
    expect(segmentKey('uploads/a/b', 9) < segmentKey('uploads/a/b', 10)).toBe(true);
  });

  it('counts one segment per started segment size, and one for an empty object', () => {
    expect(segmentCount(0, 10)).toBe(1);
    expect(segmentCount(10, 10)).toBe(1);
    expect(segmentCount(11, 10)).toBe(2);
    expect(segmentLength(1, 11, 10)).toBe(1);
    expect(segmentLength(0, 0, 10)).toBe(0);
  });

  it('maps the whole object onto every segment, the last one short', () => {
    expect(segmentSlices(undefined, 25, 10)).toEqual([
      { index: 0, start: 0, end: 9, lastByte: 9 },
      { index: 1, start: 0, end: 9, lastByte: 19 },
      { index: 2, start: 0, end: 4, lastByte: 24 },
    ]);
  });

  it('maps a range that straddles a boundary onto the two segments it touches', () => {
    expect(segmentSlices({ start: 7, end: 12 }, 25, 10)).toEqual([
      { index: 0, start: 7, end: 9, lastByte: 9 },
      { index: 1, start: 0, end: 2, lastByte: 12 },
    ]);
  });

  it('maps a range inside one segment, and clamps a range past the end', () => {
    expect(segmentSlices({ start: 20, end: 99 }, 25, 10)).toEqual([{ index: 2, start: 0, end: 4, lastByte: 24 }]);
    expect(segmentSlices({ start: 10, end: 19 }, 25, 10)).toEqual([{ index: 1, start: 0, end: 9, lastByte: 19 }]);
  });

  it('has nothing to read of an empty object', () => {
    expect(segmentSlices(undefined, 0, 10)).toEqual([]);
  });
});
