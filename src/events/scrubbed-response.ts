/** Characters of a receiver's answer kept with an attempt. */
const KEPT_CHARS = 256;

/** What looks like a credential a receiver echoed: bearer tokens, key=value secrets, Standard Webhooks secrets. */
const SECRET_LOOKING = [
  /whsec_[A-Za-z0-9+/=]+/g,
  /\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+/gi,
  /\b(password|passwd|secret|token|api[_-]?key|authorization)(["']?\s*[:=]\s*["']?)[^\s"'&,;}]+/gi,
];

/** Control characters (but tab and newline, folded below) and the replacement character of broken UTF-8. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ufffd]/g;

/**
 * The start of a receiver's answer as an attempt keeps it: decoded as text,
 * control characters dropped, whitespace folded, what looks like a secret
 * redacted, and cut to 256 characters. Receivers are outside the broker; what
 * they answer is shown to admins, not trusted.
 */
export function scrubbedResponse(body: Buffer): string | null {
  let text = body.toString('utf8');
  text = text.replace(CONTROL, '').replace(/\s+/g, ' ').trim();
  for (const pattern of SECRET_LOOKING) {
    text = text.replace(pattern, (match, ...groups: unknown[]) =>
      typeof groups[1] === 'string' &&
      typeof groups[0] === 'string' &&
      groups[1].length > 0 &&
      !match.startsWith('whsec_')
        ? `${groups[0]}${groups[1]}[redacted]`
        : '[redacted]',
    );
  }
  if (text.length === 0) return null;
  return text.length > KEPT_CHARS ? `${text.slice(0, KEPT_CHARS)}…` : text;
}
