import { Command, CommanderError } from 'commander';
import { familiesCommand } from './commands/families';
import { imagesCommand } from './commands/images';
import { jobsCommand, loginCommand, providersCommand } from './commands/basics';
import { replicateCommand } from './commands/replicate';
import { ExitCode, exitCodeOf } from './exit-codes';
import { Output } from './output';

export function program(): Command {
  const cli = new Command('image-broker')
    .description(
      'The image-broker API at a terminal or in a pipeline: images across GPU clouds, uploads with progress, jobs, families',
    )
    .version('0.1.0')
    .option('--url <url>', 'the broker (default: IMAGE_BROKER_URL, then `login`)')
    .option('--token <key>', 'an API key secret (default: IMAGE_BROKER_TOKEN, then `login`)')
    .option('--json', 'print results as JSON (errors as JSON on stderr)')
    .option('-q, --quiet', 'print results only: no remarks, no progress')
    .option('--no-color', 'no colour (also when NO_COLOR is set or stdout is not a terminal)')
    .showHelpAfterError()
    .addHelpText(
      'after',
      '\nExit codes: 0 ok, 1 a job failed (or the broker could not do it), 2 usage, 3 auth, 4 not found.\n\nExamples:\n  image-broker login --url http://127.0.0.1:3000 --token $KEY\n  image-broker images upload ./ubuntu.qcow2 --image 3f0c…\n  image-broker replicate 3f0c… --to fpt-hcm,nhn-kr1 --wait',
    );
  for (const command of [
    loginCommand(),
    providersCommand(),
    imagesCommand(),
    replicateCommand(),
    jobsCommand(),
    familiesCommand(),
  ]) {
    cli.addCommand(command);
  }
  // Usage errors become exit code 2 instead of commander's process.exit(1).
  const exitOverride = (command: Command): void => {
    command.exitOverride();
    command.commands.forEach(exitOverride);
  };
  exitOverride(cli);
  return cli;
}

/** Runs the CLI; answers the exit code (bin/image-broker.js sets it). */
export async function main(argv: string[]): Promise<number> {
  process.exitCode = 0;
  try {
    await program().parseAsync(argv);
    return Number(process.exitCode ?? 0);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version "fail" with exit code 0.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    const json = argv.includes('--json');
    const quiet = argv.includes('--quiet') || argv.includes('-q');
    new Output({ json, quiet }).error(error);
    return exitCodeOf(error);
  }
}
