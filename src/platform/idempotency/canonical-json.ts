/**
 * Writes a parsed JSON value in one canonical form: object keys sorted, no
 * whitespace, so bodies that differ only in key order hash alike. Hand-made
 * because it must be iterative: a request body may nest thousands of levels
 * deep (1 MB of `[`), and a recursive serializer (or JSON.stringify with a
 * key-sorting replacer) overflows the stack there. Linear in the input.
 */
export function writeCanonicalJson(root: unknown, write: (text: string) => void): void {
  const stack: Array<{ text: string } | { value: unknown }> = [{ value: root }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if ('text' in item) {
      write(item.text);
      continue;
    }
    const value = item.value;
    if (Array.isArray(value)) {
      write('[');
      stack.push({ text: ']' });
      for (let i = value.length - 1; i >= 0; i--) {
        stack.push({ value: value[i] });
        if (i > 0) stack.push({ text: ',' });
      }
    } else if (value !== null && typeof value === 'object') {
      // Parsed JSON holds plain objects only; anything else (a raw request stream) may be cyclic.
      const prototype = Object.getPrototypeOf(value) as unknown;
      if (prototype !== Object.prototype && prototype !== null) throw new NotJsonError();
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record)
        .filter((key) => record[key] !== undefined)
        .sort();
      write('{');
      stack.push({ text: '}' });
      for (let i = keys.length - 1; i >= 0; i--) {
        stack.push({ value: record[keys[i]] });
        stack.push({ text: `${i > 0 ? ',' : ''}${JSON.stringify(keys[i])}:` });
      }
    } else {
      write(JSON.stringify(value ?? null));
    }
  }
}

/** The value is not what JSON.parse gives. */
export class NotJsonError extends Error {
  constructor() {
    super('not a parsed JSON value');
    this.name = 'NotJsonError';
  }
}

export function canonicalJson(value: unknown): string {
  const parts: string[] = [];
  writeCanonicalJson(value, (text) => parts.push(text));
  return parts.join('');
}
