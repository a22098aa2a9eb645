import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ConfigurationError } from '../../platform/config/config.errors';
import type { ProviderConnectionConfig } from './provider-connection.types';
import { validateProviderConnection } from './provider-connection.validator';
import type { ProviderKindDefinition } from '../port/provider-kind';

const ENV_REF = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Reads PROVIDERS_FILE: YAML `providers: [...]`, `${env:NAME}` resolved from the
 * environment, every entry validated. Any problem stops the service with a
 * message naming the file, the entry and the field.
 */
export function loadProvidersFile(
  path: string,
  env: Readonly<Record<string, string | undefined>>,
  kinds: readonly ProviderKindDefinition[],
): ProviderConnectionConfig[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigurationError(`PROVIDERS_FILE ${path}: cannot be read (${(error as Error).message})`);
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (error) {
    throw new ConfigurationError(`PROVIDERS_FILE ${path}: not valid YAML (${(error as Error).message})`);
  }
  const list = (doc as { providers?: unknown } | null)?.providers;
  if (!Array.isArray(list)) {
    throw new ConfigurationError(`PROVIDERS_FILE ${path}: must have a top-level 'providers' list`);
  }

  const problems: string[] = [];
  const connections: ProviderConnectionConfig[] = [];
  const seen = new Set<string>();
  list.forEach((entry: unknown, index: number) => {
    const label = `providers[${index}]${describeName(entry)}`;
    const missing: string[] = [];
    const resolved = resolveEnvReferences(entry, env, missing, '');
    for (const m of missing) problems.push(`${label}: ${m}`);
    const result = validateProviderConnection(resolved, kinds);
    if (!result.ok) {
      for (const p of result.problems) problems.push(`${label}: ${p.field || '(entry)'}: ${p.message}`);
      return;
    }
    if (seen.has(result.value.name)) {
      problems.push(`${label}: name: '${result.value.name}' is used by an earlier entry`);
      return;
    }
    seen.add(result.value.name);
    connections.push(result.value);
  });
  if (problems.length > 0) {
    throw new ConfigurationError(`PROVIDERS_FILE ${path} is invalid:\n  - ${problems.join('\n  - ')}`);
  }
  return connections;
}

function describeName(entry: unknown): string {
  const name = (entry as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? ` (name '${name}')` : '';
}

function resolveEnvReferences(
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
  missing: string[],
  path: string,
): unknown {
  if (typeof value === 'string') {
    return value.replace(ENV_REF, (_match, name: string) => {
      const found = env[name];
      if (found === undefined) {
        missing.push(`${path || '(value)'}: \${env:${name}} is not set in the environment`);
        return '';
      }
      return found;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => resolveEnvReferences(v, env, missing, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, resolveEnvReferences(v, env, missing, path ? `${path}.${k}` : k)]),
    );
  }
  return value;
}
