import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root (holds prisma/migrations), found from here whether running from src/ or dist/. */
export function projectRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (existsSync(join(dir, 'prisma', 'migrations'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find prisma/migrations above ' + __dirname);
    dir = parent;
  }
}
