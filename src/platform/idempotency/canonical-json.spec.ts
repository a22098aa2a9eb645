import { Readable } from 'node:stream';
import { canonicalJson, NotJsonError } from './canonical-json';

describe('the canonical form of a request body', () => {
  it('ignores the order of object keys, at every depth, and keeps the order of arrays', () => {
    expect(canonicalJson(JSON.parse('{"a":1,"b":{"y":[2,1],"x":null}}'))).toBe(
      canonicalJson(JSON.parse('{"b":{"x":null,"y":[2,1]},"a":1}')),
    );
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]));
    expect(canonicalJson({ b: 2, a: 'x"y' })).toBe('{"a":"x\\"y","b":2}');
  });

  it('reads as JSON with the same value', () => {
    const value = { z: [1, { c: true, a: 'é' }], a: { n: -0.5 } };
    expect(JSON.parse(canonicalJson(value))).toEqual(value);
  });

  it('handles a body nested a hundred thousand levels deep without overflowing the stack', () => {
    const depth = 100_000;
    const deep = JSON.parse('['.repeat(depth) + ']'.repeat(depth)) as unknown;
    expect(canonicalJson(deep)).toHaveLength(2 * depth);
  });

  it('refuses what JSON.parse never gives, such as a raw request stream', () => {
    expect(() => canonicalJson({ body: Readable.from(['x']) })).toThrow(NotJsonError);
  });
});
