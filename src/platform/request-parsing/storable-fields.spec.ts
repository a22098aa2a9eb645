import { BadRequestError } from '../errors/app.errors';
import { assertStorableBody, findUnstorableText, StorableParamPipe, unstorableTextReason } from './storable-fields';

describe('text PostgreSQL can store', () => {
  it('accepts ordinary text, emoji (a surrogate pair) included', () => {
    expect(unstorableTextReason('ubuntu-22.04 🚀 日本語')).toBeNull();
  });

  it('refuses NUL and lone surrogates, high or low', () => {
    expect(unstorableTextReason('adv\u0000nul')).toMatch(/NUL/);
    expect(unstorableTextReason('a\ud800')).toMatch(/surrogate/);
    expect(unstorableTextReason('\udc00b')).toMatch(/surrogate/);
  });

  it('names every offending string of a body by its path, nested objects, arrays and map keys included', () => {
    const body = {
      name: 'adv\u0000nul',
      tags: ['fine', 'bad\ud800'],
      os: { distro: 'x\u0000' },
      properties: { ok: 'fine', nested: 'lone \udfff', 'k\u0000ey': 'v' },
      count: 3,
      flag: null,
    };
    expect(findUnstorableText(body).map((p) => p.field)).toEqual([
      'name',
      'tags[1]',
      'os.distro',
      'properties',
      'properties.nested',
    ]);
    expect(findUnstorableText(body)[3].message).toMatch(/^properties has a key that must not contain NUL/);
  });

  it('finds nothing in a clean body', () => {
    expect(findUnstorableText({ name: 'n', tags: ['a'], properties: { k: 'v' }, n: 1 })).toEqual([]);
  });

  it('walks a body nested 100,000 levels deep without running out of stack', () => {
    let deep: unknown = 'bottom\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const [problem] = findUnstorableText({ deep });
    expect(problem.field).toMatch(/^deep\[0\]\[0\]/);
  });

  it('refuses an array or object far past any DTO cap without walking into it', () => {
    const problems = findUnstorableText({
      tags: Array.from({ length: 10_001 }, () => '\u0000'),
      properties: Object.fromEntries(Array.from({ length: 1_001 }, (_, i) => [`k${i}`, 'v'])),
    });
    expect(problems).toEqual([
      { field: 'tags', message: 'tags must not have more than 10000 items' },
      { field: 'properties', message: 'properties must not have more than 1000 keys' },
    ]);
  });

  it('reports at most the limit asked', () => {
    expect(
      findUnstorableText(
        Array.from({ length: 100 }, () => '\u0000'),
        5,
      ),
    ).toHaveLength(5);
  });
});

describe('the check of every request body', () => {
  it('refuses a body with NUL as a 400 naming the field', () => {
    let error: unknown;
    try {
      assertStorableBody({ properties: { note: 'a\u0000b' } });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).errors).toEqual([
      { field: 'properties.note', message: 'properties.note must not contain NUL (\\u0000) characters' },
    ]);
  });

  it('lets a clean body and a streamed body through', () => {
    expect(() => assertStorableBody({ name: 'fine', tags: ['a'] })).not.toThrow();
    const { Readable } = jest.requireActual<typeof import('node:stream')>('node:stream');
    expect(() => assertStorableBody(Readable.from(['\u0000']))).not.toThrow();
  });
});

describe('the check of a stored path parameter', () => {
  const tag = new StorableParamPipe('tag', 255);

  it('passes a clean value through unchanged', () => {
    expect(tag.transform('gpu-h100 🚀')).toBe('gpu-h100 🚀');
  });

  it('refuses NUL, a lone surrogate and a value over its cap, naming the parameter', () => {
    for (const value of ['a\u0000b', 'a\ud800', 't'.repeat(256)]) {
      let error: unknown;
      try {
        tag.transform(value);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(BadRequestError);
      expect((error as BadRequestError).errors?.map((e) => e.field)).toEqual(['tag']);
    }
  });
});
