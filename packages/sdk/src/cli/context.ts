import type { Command } from 'commander';
import { ImageBroker } from '../image-broker';
import { connection } from './config';
import { CliError, ExitCode } from './exit-codes';
import { Output } from './output';

export interface GlobalFlags {
  url?: string;
  token?: string;
  json?: boolean;
  quiet?: boolean;
  color?: boolean;
}

/** What every command works with: the SDK, connected as the flags, environment or login say, and its output. */
export interface CommandContext {
  broker: ImageBroker;
  output: Output;
  flags: GlobalFlags;
}

export async function contextOf(command: Command): Promise<CommandContext> {
  const flags = command.optsWithGlobals<GlobalFlags>();
  const output = new Output(flags);
  const { url, token } = await connection(flags);
  if (!url) {
    throw new CliError(
      'No broker URL: run `image-broker login --url URL --token KEY`, or set IMAGE_BROKER_URL',
      ExitCode.auth,
    );
  }
  return { broker: new ImageBroker({ baseUrl: url, token, userAgent: 'image-broker-cli/0.1' }), output, flags };
}

/** Wraps an action so it gets its context; failures are reported by main with their exit code. */
export function action<A extends unknown[]>(
  run: (context: CommandContext, ...args: A) => Promise<number | void>,
): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const context = await contextOf(command);
    const code = await run(context, ...(args.slice(0, -1) as A));
    if (typeof code === 'number' && code !== 0) process.exitCode = code;
  };
}

/** "a,b:region" → targets. */
export function targetsOf(list: string): Array<{ provider: string; region?: string }> {
  return list
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => {
      const [provider, region] = item.split(':');
      return region ? { provider, region } : { provider };
    });
}

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new CliError(`'${value}' is not a positive whole number`, ExitCode.usage);
  return n;
}
