import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The variables of deploy/node-runtime.env, the memory settings the container
 * image runs the broker with, so the brokers of tests and benchmarks run as
 * deployed ones do.
 */
export function nodeRuntimeEnv(repoRoot: string): Record<string, string> {
  const text = readFileSync(resolve(repoRoot, 'deploy', 'node-runtime.env'), 'utf8');
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const at = trimmed.indexOf('=');
    if (at <= 0) throw new Error(`deploy/node-runtime.env: not NAME=value: ${trimmed}`);
    env[trimmed.slice(0, at)] = trimmed.slice(at + 1);
  }
  return env;
}
