/**
 * How deep a JSON body may nest. The API's deepest body (a provider connection's
 * auth block, an image's properties) nests 3 levels; 32 leaves room for any
 * client while refusing the bodies that make a recursive walk (class-transformer,
 * class-validator) exhaust the stack, or JSON.parse spend seconds on one request.
 */
export const MAX_JSON_NESTING = 32;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * True when the JSON text opens more than `max` objects or arrays inside one
 * another. One pass over the text, before it is parsed: JSON.parse of 500,000
 * nested arrays holds the event loop for over a second, this scan for ~20 ms.
 * Brackets inside strings are skipped; the text need not be valid JSON (the
 * parser that runs next refuses what is not).
 */
export function jsonNestingExceeds(text: string, max: number = MAX_JSON_NESTING): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > max) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}
