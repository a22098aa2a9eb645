import { Command, Option } from 'commander';
import { ImageBroker } from '../../image-broker';
import { connection, writeConfig } from '../config';
import { action, positiveInt, type GlobalFlags } from '../context';
import { CliError, ExitCode } from '../exit-codes';
import { exitCodeOfJobs, followJobs, jobLine } from '../job-follow';
import { Output, table } from '../output';

export function loginCommand(): Command {
  return new Command('login')
    .description("Store the broker's URL and an API key in your config directory (checked first)")
    .option('--url <url>', 'the broker, e.g. http://127.0.0.1:3000')
    .option('--token <key>', 'an API key secret (or IMAGE_BROKER_TOKEN)')
    .addHelpText(
      'after',
      '\nThe config file is $XDG_CONFIG_HOME/image-broker/config.json (mode 600); IMAGE_BROKER_URL and\nIMAGE_BROKER_TOKEN, or --url and --token on any command, take precedence.\n\nExample:\n  image-broker login --url http://127.0.0.1:3000 --token $KEY',
    )
    .action(async (_flags: unknown, command: Command) => {
      const flags = command.optsWithGlobals<GlobalFlags>();
      const output = new Output(flags);
      const { url, token } = await connection(flags);
      if (!url || !token)
        throw new CliError(
          'login needs --url and --token (or IMAGE_BROKER_URL and IMAGE_BROKER_TOKEN)',
          ExitCode.usage,
        );
      const broker = new ImageBroker({ baseUrl: url, token });
      // A key that cannot read the providers is refused here rather than at the first real command.
      await broker.transport.data(broker.api.GET('/v1/providers'), 'GET /v1/providers');
      const file = await writeConfig({ url, token });
      output.result({ url, config: file }, () => `logged in to ${url} (${file})`);
    });
}

export function providersCommand(): Command {
  const providers = new Command('providers')
    .description('Provider connections')
    .addHelpText('after', '\nExample:\n  image-broker providers ls');
  providers
    .command('ls')
    .description('List provider connections with their capabilities and health')
    .addHelpText('after', '\nExample:\n  image-broker providers ls --json')
    .action(
      action(async ({ broker, output }) => {
        const { items } = await broker.transport.data(broker.api.GET('/v1/providers'), 'GET /v1/providers');
        output.result({ items }, () =>
          table(
            items.map((p) => ({ ...p, regions: p.regions.join(',') || '-' })),
            [
              ['name', 'name'],
              ['kind', 'kind'],
              ['regions', 'regions'],
              ['health', 'health'],
              ['imageCount', 'images'],
              ['lastSyncAt', 'last sync'],
            ],
          ),
        );
      }),
    );
  return providers;
}

export function jobsCommand(): Command {
  const jobs = new Command('jobs')
    .description('Long-running work: list, watch, cancel')
    .addHelpText('after', '\nExamples:\n  image-broker jobs ls --state running\n  image-broker jobs watch 7d1e…');
  jobs
    .command('ls')
    .description('List jobs, newest first')
    .addOption(new Option('--type <type>').choices(['sync', 'upload', 'import', 'replicate']))
    .addOption(new Option('--state <state>').choices(['queued', 'running', 'succeeded', 'failed', 'cancelled']))
    .option('--provider <name>')
    .option('--image <id>', 'jobs of this image')
    .option('--limit <n>', 'jobs per page', positiveInt, 50)
    .addHelpText('after', '\nExample:\n  image-broker jobs ls --state failed --json')
    .action(
      action(
        async (
          { broker, output },
          flags: { type?: string; state?: string; provider?: string; image?: string; limit: number },
        ) => {
          const page = await broker.transport.data(
            broker.api.GET('/v1/jobs', {
              params: {
                query: {
                  type: flags.type,
                  state: flags.state,
                  provider: flags.provider,
                  imageId: flags.image,
                  limit: flags.limit,
                } as never,
              },
            }),
            'GET /v1/jobs',
          );
          output.result(page, () =>
            table(
              page.items.map((j) => ({
                ...j,
                done: j.progress.bytesTotal
                  ? `${Math.floor((100 * j.progress.bytesDone) / j.progress.bytesTotal)}%`
                  : '-',
              })),
              [
                ['id', 'id'],
                ['type', 'type'],
                ['state', 'state'],
                ['provider', 'provider'],
                ['done', 'done'],
                ['createdAt', 'created'],
              ],
            ),
          );
        },
      ),
    );
  jobs
    .command('watch')
    .description("Follow a job's events to its end (exit 1 when it fails)")
    .argument('<job>', 'job id')
    .addHelpText('after', '\nExample:\n  image-broker jobs watch 7d1e… && echo done')
    .action(
      action(async ({ broker, output }, id: string) => {
        if (output.json) {
          // One JSON object per event (JSON Lines), for scripts that follow along.
          let last = null;
          for await (const event of broker.watchJob(id)) {
            process.stdout.write(`${JSON.stringify(event)}\n`);
            last = event.job;
          }
          return exitCodeOfJobs([last ?? (await broker.getJob(id))]);
        }
        const [job] = await followJobs(broker, output, [{ id, label: id.slice(0, 8) }]);
        output.result(job, () => jobLine(job));
        return exitCodeOfJobs([job]);
      }),
    );
  jobs
    .command('cancel')
    .description('Cancel a queued or running job')
    .argument('<job>', 'job id')
    .addHelpText('after', '\nExample:\n  image-broker jobs cancel 7d1e…')
    .action(
      action(async ({ broker, output }, id: string) => {
        const job = await broker.transport.data(
          broker.api.POST('/v1/jobs/{id}/cancel', { params: { path: { id } } }),
          'POST cancel',
        );
        output.result(job, () => jobLine(job));
      }),
    );
  return jobs;
}
