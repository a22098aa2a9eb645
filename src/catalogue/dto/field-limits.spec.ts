import { plainToInstance } from 'class-transformer';
import { IsOptional, validateSync } from 'class-validator';
import { FIELD_LIMITS, IsPropertyMap, propertyMapProblem } from './field-limits';

class CreateBody {
  @IsOptional()
  @IsPropertyMap({ allowNull: false })
  properties?: Record<string, string>;
}

class PatchBody {
  @IsOptional()
  @IsPropertyMap({ allowNull: true })
  properties?: Record<string, string | null>;
}

function problems(cls: new () => object, properties: unknown): string[] {
  return validateSync(plainToInstance(cls, { properties })).flatMap((e) => Object.values(e.constraints ?? {}));
}

describe('a property map a provider can hold', () => {
  it('accepts a map at every limit', () => {
    const atLimits = Object.fromEntries(
      Array.from({ length: FIELD_LIMITS.properties }, (_, i) => [
        `${i}`.padEnd(FIELD_LIMITS.propertyKey, 'k'),
        'v'.repeat(i === 0 ? FIELD_LIMITS.propertyValue : 1),
      ]),
    );
    expect(problems(CreateBody, atLimits)).toEqual([]);
  });

  it.each([
    ['a list', ['a'], 'properties must be an object'],
    ['a string', 'k=v', 'properties must be an object'],
    [
      '129 properties',
      Object.fromEntries(Array.from({ length: 129 }, (_, i) => [`k${i}`, 'v'])),
      'properties must not have more than 128 properties',
    ],
    ['a key past 255', { ['k'.repeat(256)]: 'v' }, /^properties must have keys of 1-255 characters .* has 256\)$/],
    ['an empty key', { '': 'v' }, 'properties must have keys of 1-255 characters ("" has 0)'],
    ['a value past 65535', { k: 'v'.repeat(65_536) }, 'properties."k" must be at most 65535 characters'],
    ['a nested object', { k: { nested: true } }, 'properties."k" must be a string'],
    ['a number', { k: 1 }, 'properties."k" must be a string'],
    ['a null at creation', { k: null }, 'properties."k" must be a string'],
  ])('refuses %s, naming what is wrong', (_what, value, message) => {
    const [only, ...rest] = problems(CreateBody, value);
    expect(rest).toEqual([]);
    expect(only).toEqual(message instanceof RegExp ? expect.stringMatching(message) : message);
  });

  it('lets a merge patch remove a property with null, and nothing else', () => {
    expect(problems(PatchBody, { gone: null, kept: 'v' })).toEqual([]);
    expect(problems(PatchBody, { k: 2 })).toEqual(['properties."k" must be a string or null']);
  });

  it('goes over a map once: 128 values of 65,535 characters are checked by length alone', () => {
    const big = Object.fromEntries(Array.from({ length: 128 }, (_, i) => [`k${i}`, 'v'.repeat(65_535)]));
    expect(propertyMapProblem(big, false)).toBeNull();
  });
});
