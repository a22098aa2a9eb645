/**
 * A connection's auth block as the redactor reads it: every string field that is not a public one
 * is a secret. Structural, so logging depends on no provider kind's own types.
 */
export interface ConnectionAuthFields {
  readonly type: string;
}

/** What a known secret becomes wherever it is found. */
export const REDACTED = '[REDACTED]';

/**
 * Credentials shorter than this are not searched for: replacing every "abc"
 * would garble ordinary text. Real tokens and passwords are far longer.
 */
const MIN_SECRET_LENGTH = 4;

/** Tokens the broker obtained at run time (Keystone, OAuth2) that stay known; older ones have long expired. */
const MAX_ISSUED_TOKENS = 256;

/** Auth fields that hold no secret; every other string of an auth block is treated as one. */
const PUBLIC_AUTH_FIELDS: ReadonlySet<string> = new Set([
  'type',
  'authUrl',
  'tokenUrl',
  'username',
  'clientId',
  'projectId',
  'projectName',
  'domain',
  'scope',
]);

/**
 * The one place that knows every secret of the process: each connection's
 * credentials (fed by the provider registry as it builds adapters) and the
 * tokens its auth sources obtained. `redact` replaces every known secret, in
 * every form it may be echoed in (raw, URL- and form-encoded, JSON-escaped,
 * HTTP Basic), with [REDACTED].
 *
 * Hand-written because redaction by *known values* is not what pino's path
 * redaction or any URL scrubber does. Linear: plain replaceAll of fixed
 * strings, no regular expression is ever built from a secret.
 *
 * Process-wide rather than a Nest provider, because the root pino logger is
 * built before Nest and provider errors are constructed far from DI.
 */
export class SecretRedactor {
  private readonly byConnection = new Map<string, string[]>();
  private readonly issued: string[] = [];
  /** Every form to replace, longest first (a secret that contains another is replaced whole). */
  private forms: string[] = [];

  /** A connection's credentials, replacing what an earlier version of the same connection held. */
  rememberConnection<Auth extends ConnectionAuthFields>(connection: { readonly name: string; readonly auth: Auth }): void {
    this.byConnection.set(connection.name, connectionSecrets(connection.auth));
    this.rebuild();
  }

  /** A token an auth source just obtained (Keystone's X-Subject-Token, an OAuth2 access token). */
  rememberIssuedToken(token: string): void {
    if (this.issued.includes(token)) return;
    this.issued.push(token);
    if (this.issued.length > MAX_ISSUED_TOKENS) this.issued.shift();
    this.rebuild();
  }

  /** Extra values a caller knows are secret for one call (e.g. the auth headers it sent). */
  redact(text: string, extra: readonly string[] = []): string {
    let out = text;
    const forms = extra.length === 0 ? this.forms : sortedForms([...this.allSecrets(), ...extra]);
    for (const form of forms) {
      if (out.includes(form)) out = out.replaceAll(form, REDACTED);
    }
    return out;
  }

  /** For tests: forget everything. */
  clear(): void {
    this.byConnection.clear();
    this.issued.length = 0;
    this.forms = [];
  }

  private allSecrets(): string[] {
    return [...[...this.byConnection.values()].flat(), ...this.issued];
  }

  private rebuild(): void {
    this.forms = sortedForms(this.allSecrets());
  }
}

/** The process's one redactor. */
export const secretRedactor = new SecretRedactor();

/** Every secret value of an auth block, plus the HTTP Basic credential the broker derives from it. */
export function connectionSecrets(auth: ConnectionAuthFields): string[] {
  const record = auth as unknown as Readonly<Record<string, unknown>>;
  const secrets = Object.entries(record)
    .filter(([field, value]) => !PUBLIC_AUTH_FIELDS.has(field) && typeof value === 'string')
    .map(([, value]) => value as string);
  const text = (field: string): string => (typeof record[field] === 'string' ? (record[field] as string) : '');
  if (auth.type === 'oauth2-client-credentials') {
    secrets.push(basicCredentialForms(text('clientId'), text('clientSecret')));
  }
  if (auth.type === 'keystone') {
    secrets.push(Buffer.from(`${text('username')}:${text('password')}`, 'utf8').toString('base64'));
  }
  return secrets;
}

/**
 * RFC 6749 §2.3.1's Basic credential: id and secret form-encoded, joined by ':',
 * base64. Kept here, not imported from the nscale adapter, so logging depends on no adapter.
 */
function basicCredentialForms(clientId: string, clientSecret: string): string {
  const form = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);
  return Buffer.from(`${form(clientId)}:${form(clientSecret)}`, 'utf8').toString('base64');
}

/** The forms a secret may be echoed in, each at least MIN_SECRET_LENGTH long, longest first. */
function sortedForms(secrets: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    // JSON-escaped first: inside a log line or an echoed JSON body a quote or backslash is escaped.
    forms.add(JSON.stringify(secret).slice(1, -1));
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
    forms.add(new URLSearchParams({ v: secret }).toString().slice(2));
    // Lower-case percent escapes, as some servers echo them.
    forms.add(encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()));
  }
  return [...forms].filter((form) => form.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
}
