import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const FILE = 'secrets.key';

/**
 * The sandbox's SECRETS_KEY, generated once and kept in its git-ignored
 * folder (mode 0600): connections added at run time are sealed with it, so
 * the next `npm run dev` on the same database must open them with the same key.
 */
export function sandboxSecretsKey(dir: string): string {
  const file = join(dir, FILE);
  try {
    const kept = readFileSync(file, 'utf8').trim();
    if (Buffer.from(kept, 'base64').length === 32) return kept;
    console.warn(`[sandbox] ${file} does not hold a 32-byte base64 key; generating a new one`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = randomBytes(32).toString('base64');
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  // writeFileSync's mode applies only when it creates the file.
  chmodSync(file, 0o600);
  return key;
}
