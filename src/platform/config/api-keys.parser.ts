import { ConfigurationError } from './config.errors';

export const API_SCOPES = ['images:read', 'images:write', 'jobs:write', 'admin'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export interface ApiKeySeed {
  id: string;
  secret: string;
  scopes: ApiScope[];
}

/** Parses API_KEYS: comma-separated `keyId:secret:scope+scope`. */
export function parseApiKeys(value: string | undefined): ApiKeySeed[] {
  if (!value || value.trim() === '') return [];
  const seen = new Set<string>();
  return value.split(',').map((raw, index) => {
    const entry = raw.trim();
    const where = `API_KEYS entry ${index + 1}`;
    // Scopes themselves hold a colon (images:read), so only the first two colons separate fields.
    const first = entry.indexOf(':');
    const second = first < 0 ? -1 : entry.indexOf(':', first + 1);
    if (second < 0) throw new ConfigurationError(`${where}: expected keyId:secret:scope+scope`);
    const id = entry.slice(0, first);
    const secret = entry.slice(first + 1, second);
    const scopeList = entry.slice(second + 1);
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(id))
      throw new ConfigurationError(`${where}: keyId must match [A-Za-z0-9_.-]{1,64}`);
    if (secret.length < 16) throw new ConfigurationError(`${where} (${id}): secret must be at least 16 characters`);
    if (seen.has(id)) throw new ConfigurationError(`${where}: keyId '${id}' appears twice`);
    seen.add(id);
    const scopes = scopeList.split('+').map((s) => s.trim());
    for (const scope of scopes) {
      if (!(API_SCOPES as readonly string[]).includes(scope)) {
        throw new ConfigurationError(`${where} (${id}): unknown scope '${scope}' (known: ${API_SCOPES.join(', ')})`);
      }
    }
    return { id, secret, scopes: scopes as ApiScope[] };
  });
}
