import { Command } from 'commander';
import { action, targetsOf } from '../context';
import { CliError, ExitCode } from '../exit-codes';
import { exitCodeOfJobs, followJobs } from '../job-follow';
import { table } from '../output';

export function replicateCommand(): Command {
  return new Command('replicate')
    .description('Copy an image to other providers (one job per target; an identical image there is reused)')
    .argument('<image>', 'broker image id')
    .requiredOption('--to <targets>', 'provider[:region],… e.g. fpt-hcm,nhn-kr1')
    .option('--wait', 'follow every target to its end, one bar each (exit 1 when one fails)')
    .addHelpText('after', '\nExample:\n  image-broker replicate 3f0c… --to fpt-hcm,vietnix-hcm --wait')
    .action(
      action(async ({ broker, output }, id: string, flags: { to: string; wait?: boolean }) => {
        const targets = targetsOf(flags.to);
        if (targets.length === 0) throw new CliError('--to names no target', ExitCode.usage);
        const replication = await broker.transport.data(
          broker.api.POST('/v1/images/{id}/replications', { params: { path: { id } }, body: { targets } }),
          'POST replications',
        );
        if (!flags.wait) {
          output.result(replication, () =>
            table(replication.targets as never, [
              ['provider', 'provider'],
              ['region', 'region'],
              ['status', 'status'],
              ['jobId', 'job'],
              ['reused', 'reused'],
            ]),
          );
          return;
        }
        const followed = replication.targets.filter((t) => t.jobId !== null);
        const jobs = await followJobs(
          broker,
          output,
          followed.map((t) => ({ id: t.jobId!, label: t.region ? `${t.provider}:${t.region}` : t.provider })),
        );
        const final = await broker.transport.data(
          broker.api.GET('/v1/images/{id}/replications', { params: { path: { id } } }),
          'GET replications',
        );
        const now = final.items.find((r) => r.id === replication.id) ?? replication;
        output.result(now, () =>
          table(now.targets as never, [
            ['provider', 'provider'],
            ['region', 'region'],
            ['status', 'status'],
            ['imageId', 'image'],
            ['reused', 'reused'],
          ]),
        );
        return exitCodeOfJobs(jobs);
      }),
    );
}
