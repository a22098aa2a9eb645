import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';

export const CLI = resolve(__dirname, '../bin/image-broker.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `image-broker` binary with pipes for stdout and stderr (not a terminal). */
export function runCli(args: string[], env: Record<string, string>, timeoutMs = 120_000): Promise<CliRun> {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...cleanEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return collect(child, timeoutMs);
}

/**
 * Runs the binary inside a pseudo-terminal (util-linux `script`), as a person
 * at a terminal would: what it prints there, progress bars included, comes back
 * as one transcript.
 */
export function runCliInTerminal(args: string[], env: Record<string, string>, timeoutMs = 180_000): Promise<CliRun> {
  const command = [process.execPath, CLI, ...args].map(shellQuote).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    env: { ...cleanEnv(), ...env, TERM: 'xterm-256color', COLUMNS: '120', LINES: '40' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return collect(child, timeoutMs);
}

/** Starts the binary and leaves it running (for a test that kills it). */
export function startCli(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], { env: { ...cleanEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

function collect(child: ChildProcess, timeoutMs: number): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((done) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    }),
  );
}

/** The test runner's environment without a broker the developer may have logged in to. */
function cleanEnv(): Record<string, string> {
  const env = { ...process.env } as Record<string, string>;
  for (const key of Object.keys(env)) if (key.startsWith('IMAGE_BROKER_')) delete env[key];
  env.HOME = join('/tmp', 'image-broker-cli-home');
  return env;
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
