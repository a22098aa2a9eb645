/**
 * Pulls a human-readable reason out of a provider's error body, whatever shape
 * it comes in, so a ProviderRejectedError can say *why* the provider refused.
 * Shapes seen across the supported clouds:
 *   Glance/Keystone  {"error": {"code": 400, "title": "Bad Request", "message": "…"}}
 *   Nova style       {"badRequest": {"code": 400, "message": "…"}}
 *   plain            {"message": "…"} / {"code": "…", "message": "…"} / {"detail": "…"}
 *   Genesis Cloud    {"code": "02035", "message": "…"}
 *   webob (Glance)   {"code": "400 Bad Request", "title": "Bad Request", "message": "…<br /><br />…"}
 *   OAuth2           {"error": "invalid_client", "error_description": "…", "trace_id": "…"}
 *   text / HTML      "400 Bad Request\n\nProvided object does not match schema …"
 */

import { secretRedactor } from '../logging/secret-redactor';

const MAX_LENGTH = 500;

/**
 * The provider's reason, with every credential the broker knows taken out
 * before it is cut to length: a provider that echoes the request (a Keystone
 * repeating the password it refused) must not leak even half of a secret.
 */
export function extractProviderMessage(body: unknown): string | null {
  const message = typeof body === 'string' ? fromText(body) : fromObject(body, 0);
  return message === null ? null : truncate(secretRedactor.redact(message));
}

function fromObject(body: unknown, depth: number): string | null {
  if (body === null || typeof body !== 'object' || depth > 2) return null;
  if (Array.isArray(body)) return firstOf(body.map((item) => fromObject(item, depth + 1)));
  const record = body as Record<string, unknown>;

  const oauth = fromOAuth(record);
  if (oauth !== null) return oauth;

  const direct = firstOf([
    text(record.message),
    text(record.error_description),
    text(record.detail),
    text(record.error_message),
    text(record.title),
    typeof record.error === 'string' ? text(record.error) : null,
  ]);
  if (direct !== null) return withCode(record.code, direct);

  // Wrapped forms: {"error": {...}}, {"errors": [...]}, {"badRequest": {...}}.
  const nested = Object.values(record).filter((value) => value !== null && typeof value === 'object');
  return firstOf(nested.map((value) => fromObject(value, depth + 1)));
}

function fromOAuth(record: Record<string, unknown>): string | null {
  const error = text(record.error);
  const description = text(record.error_description);
  if (error === null || description === null) return null;
  const trace = text(record.trace_id);
  return `${error}: ${description}${trace === null ? '' : ` (trace_id ${trace})`}`;
}

function withCode(code: unknown, message: string): string {
  // Numeric codes merely repeat the HTTP status; symbolic ones ("ImageNotFound") add meaning.
  // webob's "400 Bad Request" style codes repeat it too. Digit strings of four or more
  // (Genesis Cloud's "02035") are the provider's own error numbers, not the status.
  const symbolic = typeof code === 'string' && /^(?:[A-Za-z]|\d{4,}$)/.test(code) ? code : null;
  return symbolic === null || message.includes(symbolic) ? message : `${symbolic}: ${message}`;
}

function fromText(body: string): string | null {
  // Redacted before tags and whitespace are collapsed, which could change how a secret is spelt.
  const plain = secretRedactor
    .redact(body)
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return plain === '' ? null : plain;
}

/** Glance (webob) embeds `<br />` in JSON messages too, so every string gets the text cleanup. */
function text(value: unknown): string | null {
  return typeof value === 'string' ? fromText(value) : null;
}

function firstOf(candidates: (string | null)[]): string | null {
  return candidates.find((candidate): candidate is string => candidate !== null) ?? null;
}

function truncate(message: string): string {
  return message.length <= MAX_LENGTH ? message : `${message.slice(0, MAX_LENGTH - 1)}…`;
}
