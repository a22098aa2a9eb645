/**
 * What the connection policy (connection-policy.ts) treats as transient, and
 * how long a provider asks it to wait. Pure functions, so the rules can be
 * tested without a clock or a network.
 */

/**
 * Milliseconds a `Retry-After` header asks us to wait (RFC 9110 §10.2.3: delta
 * seconds or an HTTP-date), or null when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | null {
  if (value == null) return null;
  const trimmed = value.trim();
  if (trimmed === '') return null;
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Every HTTP-date form opens with a day name; without this check V8's lenient Date.parse reads "-5" as a year.
  if (!/^[A-Za-z]{3}/.test(trimmed)) return null;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now);
}

const RETRYABLE_STATUSES = new Set([429, 500, 502, 503, 504]);

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status);
}

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

/** Methods that may be replayed without doing the work twice (RFC 9110 §9.2.2). */
export function isIdempotentMethod(method: string): boolean {
  return IDEMPOTENT_METHODS.has(method.toUpperCase());
}

const TRANSIENT_ERROR_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
]);
const TRANSIENT_MESSAGES = ['socket hang up', 'fetch failed', 'terminated', 'other side closed'];

/**
 * True for failures where the request may never have reached the provider or
 * its answer was lost: timeouts, resets, refused connections and undici's
 * socket errors. undici wraps the real cause (`TypeError: fetch failed` →
 * `cause: { code: 'ECONNRESET' }`), so the whole cause chain is inspected.
 */
export function isTransientNetworkError(error: unknown): boolean {
  const seen = new Set<unknown>();
  for (let current = error; current != null && !seen.has(current);) {
    seen.add(current);
    if (typeof current !== 'object') return false;
    const { name, code, message } = current as { name?: unknown; code?: unknown; message?: unknown };
    if (name === 'TimeoutError') return true;
    if (typeof code === 'string' && (TRANSIENT_ERROR_CODES.has(code) || code.startsWith('UND_ERR_'))) return true;
    if (typeof message === 'string' && TRANSIENT_MESSAGES.some((m) => message.toLowerCase().includes(m))) {
      return true;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
