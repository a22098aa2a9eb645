/**
 * What never reaches a log line: credentials in headers, and the secret parts
 * of URLs (presigned signatures, tokens, userinfo). pino's `redact` covers the
 * structured fields; `scrubUrl` covers URLs that travel inside messages.
 */
export const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-auth-token"]',
  'req.headers["x-api-key"]',
  'req.headers["x-amz-security-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.secret',
  '*.clientSecret',
  '*.token',
  '*.apiKey',
];

const SECRET_QUERY_PARAM = /(sig|signature|token|key|credential|secret|password|auth)/i;

/** A URL (absolute or path + query) with secret query values and any userinfo replaced by [REDACTED]. */
export function scrubUrl(raw: string): string {
  const absolute = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw);
  let url: URL;
  try {
    url = new URL(raw, 'http://relative.invalid');
  } catch {
    const query = raw.indexOf('?');
    return query === -1 ? raw : `${raw.slice(0, query)}?[REDACTED]`;
  }
  if (url.username || url.password) {
    url.username = '[REDACTED]';
    url.password = '';
  }
  for (const name of [...url.searchParams.keys()]) {
    if (SECRET_QUERY_PARAM.test(name)) url.searchParams.set(name, '[REDACTED]');
  }
  const text = url.toString().replace(/%5BREDACTED%5D/g, '[REDACTED]');
  return absolute ? text : text.slice('http://relative.invalid'.length);
}

/**
 * Every URL inside a free-text message, scrubbed. A URL is what
 * `/[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi` matches, found by a scan rather than
 * that regex: the regex retries its scheme from every letter of a long run
 * (`GET /AAAA…`), quadratic in the text, and the text is often the client's.
 * The scan finds each `://`, walks back over its scheme (never past the end of
 * the previous URL, so no character is walked twice) and forward over the rest.
 */
export function scrubUrlsInText(text: string): string {
  let out = '';
  let copied = 0;
  for (let separator = text.indexOf('://'); separator !== -1;) {
    let start = separator;
    while (start > copied && isSchemeChar(text.charCodeAt(start - 1))) start--;
    while (start < separator && !isLetter(text.charCodeAt(start))) start++;
    // No scheme, or nothing after `://`: not a URL. Checked before the forward walk, which only a URL may make.
    if (start === separator || separator + 3 >= text.length || URL_STOP.test(text[separator + 3])) {
      separator = text.indexOf('://', separator + 1);
      continue;
    }
    let end = separator + 4;
    while (end < text.length && !URL_STOP.test(text[end])) end++;
    out += text.slice(copied, start) + scrubUrl(text.slice(start, end));
    copied = end;
    separator = text.indexOf('://', end);
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** What ends a URL in free text. */
const URL_STOP = /[\s"'<>]/;

function isLetter(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a);
}

/** RFC 3986 scheme characters: letters, digits, `+`, `-`, `.`. */
function isSchemeChar(code: number): boolean {
  return isLetter(code) || (code >= 0x30 && code <= 0x39) || code === 0x2b || code === 0x2d || code === 0x2e;
}
