import { isPlainObject, lookup, lowerCaseText, parseDate, scalarText, trimmedText } from './payload-values';

describe('trimmedText', () => {
  it('trims a string and answers null for blank or non-string values', () => {
    expect(trimmedText('  jammy ')).toBe('jammy');
    expect(trimmedText('   ')).toBeNull();
    expect(trimmedText('')).toBeNull();
    expect(trimmedText(22.04)).toBeNull();
    expect(trimmedText(undefined)).toBeNull();
  });
});

describe('lowerCaseText', () => {
  it('lower-cases the trimmed text, and keeps null for nothing', () => {
    expect(lowerCaseText(' NVIDIA ')).toBe('nvidia');
    expect(lowerCaseText(' ')).toBeNull();
    expect(lowerCaseText(1)).toBeNull();
  });
});

describe('scalarText', () => {
  it('keeps a finite number as written, and reads strings like trimmedText', () => {
    expect(scalarText(22.04)).toBe('22.04');
    expect(scalarText(6.1)).toBe('6.1');
    expect(scalarText(' 12.4 ')).toBe('12.4');
    expect(scalarText(Number.NaN)).toBeNull();
    expect(scalarText(Number.POSITIVE_INFINITY)).toBeNull();
    expect(scalarText(true)).toBeNull();
  });
});

describe('parseDate', () => {
  it('reads timestamp strings and answers null for unreadable or non-string values', () => {
    expect(parseDate('2024-11-05T03:12:44.120000Z')).toEqual(new Date('2024-11-05T03:12:44.120Z'));
    expect(parseDate('yesterday')).toBeNull();
    expect(parseDate(1_700_000_000_000)).toBeNull();
    expect(parseDate(null)).toBeNull();
  });
});

describe('isPlainObject', () => {
  it('accepts objects but not null or arrays', () => {
    expect(isPlainObject({})).toBe(true);
    expect(isPlainObject(null)).toBe(false);
    expect(isPlainObject([])).toBe(false);
    expect(isPlainObject('x')).toBe(false);
  });
});

describe('lookup', () => {
  const table = { queued: 'pending' };

  it("answers the table's value, or null for a missing key", () => {
    expect(lookup(table, 'queued')).toBe('pending');
    expect(lookup(table, 'killed')).toBeNull();
    expect(lookup(table, null)).toBeNull();
    expect(lookup(table, undefined)).toBeNull();
  });

  it('does not answer members every object inherits', () => {
    expect(lookup(table, 'constructor')).toBeNull();
    expect(lookup(table, 'toString')).toBeNull();
  });
});
