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
    return raw.replace(/\?.*$/, '?[REDACTED]');
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

/** Every URL inside a free-text message, scrubbed. */
export function scrubUrlsInText(text: string): string {
  return text.replace(/[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi, (url) => scrubUrl(url));
}
