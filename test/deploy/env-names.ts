import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The repository root. */
export const repoRoot = join(__dirname, '..', '..');

/** Every environment variable the broker reads: the properties of src/platform/config/env.schema.ts. */
export function envSchemaNames(): Set<string> {
  const text = readFileSync(join(repoRoot, 'src', 'platform', 'config', 'env.schema.ts'), 'utf8');
  return new Set([...text.matchAll(/^\s+([A-Z][A-Z0-9_]+)[?]?\s*[:=]/gm)].map((m) => m[1]));
}
