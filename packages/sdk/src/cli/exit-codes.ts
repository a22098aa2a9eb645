import { ImageBrokerError } from '../errors';

/** What the CLI's exit status means, for scripts. */
export const ExitCode = {
  ok: 0,
  /** A job failed or was cancelled, or the broker could not do what was asked. */
  failed: 1,
  /** The command line was wrong (or the broker could not read what it said: 400). */
  usage: 2,
  /** No key, or the key may not do this (401, 403). */
  auth: 3,
  /** The image, job, family or provider does not exist (404). */
  notFound: 4,
} as const;

/** A failure the CLI reports with a chosen exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

export function exitCodeOf(error: unknown): number {
  if (error instanceof CliError) return error.exitCode;
  if (error instanceof ImageBrokerError) {
    if (error.status === 401 || error.status === 403) return ExitCode.auth;
    if (error.status === 404 || error.status === 410) return ExitCode.notFound;
    // A 400 names a flag the broker cannot read; a 422 is a well-formed ask it refused (bytes that differ, a target that cannot take it).
    if (error.status === 400) return ExitCode.usage;
  }
  return ExitCode.failed;
}
