import { Command, Option } from 'commander';
import { action } from '../context';
import { exitCodeOfJobs, followJobs } from '../job-follow';
import { table } from '../output';

export function familiesCommand(): Command {
  const families = new Command('families')
    .description('One image across clouds: publish versions, promote channels, resolve')
    .addHelpText(
      'after',
      '\nExamples:\n  image-broker families publish gpu-base 2026.12 --image 3f0c… --wait\n  image-broker families resolve gpu-base --channel stable --provider fpt-hcm',
    );

  families
    .command('publish')
    .description('Publish an active image as a version of a family: placed on every target')
    .argument('<family>')
    .argument('<version>', 'version string, e.g. 2026.12')
    .requiredOption('--image <id>', 'the active broker image to publish')
    .option('--wait', 'follow every placement to its end (exit 1 when one fails)')
    .addHelpText('after', '\nExample:\n  image-broker families publish gpu-base 2026.12 --image 3f0c… --wait')
    .action(
      action(async ({ broker, output }, family: string, version: string, flags: { image: string; wait?: boolean }) => {
        let published = await broker.transport.data(
          broker.api.POST('/v1/families/{family}/versions', {
            params: { path: { family } },
            body: { version, imageId: flags.image },
          }),
          'POST versions',
        );
        let code = 0;
        if (flags.wait) {
          const jobs = await followJobs(
            broker,
            output,
            published.placements
              .filter((p) => p.jobId)
              .map((p) => ({ id: p.jobId!, label: p.region ? `${p.provider}:${p.region}` : p.provider })),
          );
          code = exitCodeOfJobs(jobs);
          published = await broker.transport.data(
            broker.api.GET('/v1/families/{family}/versions/{version}', { params: { path: { family, version } } }),
            'GET version',
          );
        }
        output.result(published, () =>
          table(published.placements as never, [
            ['provider', 'provider'],
            ['region', 'region'],
            ['status', 'status'],
            ['nativeId', 'native id'],
          ]),
        );
        return code;
      }),
    );

  families
    .command('promote')
    .description('Point a channel at a version (only when it is active on every target, unless --force)')
    .argument('<family>')
    .argument('<channel>', 'e.g. stable')
    .argument('<version>')
    .option('--force', 'move even where the version is not active everywhere')
    .addHelpText('after', '\nExample:\n  image-broker families promote gpu-base stable 2026.12')
    .action(
      action(
        async ({ broker, output }, family: string, channel: string, version: string, flags: { force?: boolean }) => {
          const moved = await broker.transport.data(
            broker.api.PUT('/v1/families/{family}/channels/{channel}', {
              params: { path: { family, channel } },
              body: { version, force: flags.force === true },
            }),
            'PUT channel',
          );
          output.result(moved, () => `${family}/${channel} → ${moved.version}`);
        },
      ),
    );

  families
    .command('resolve')
    .description('Which copy to use on a provider: the native id to hand to Terraform')
    .argument('<family>')
    .requiredOption('--provider <name>')
    .option('--region <region>')
    .option('--channel <channel>', 'a channel, or latest', 'latest')
    .option('--version <version>', 'a version instead of a channel')
    .addHelpText(
      'after',
      '\nExamples:\n  image-broker families resolve gpu-base --channel stable --provider fpt-hcm\n  image-broker families resolve gpu-base --provider nhn-kr1 --json | jq -r .nativeId',
    )
    .action(
      action(
        async (
          { broker, output },
          family: string,
          flags: { provider: string; region?: string; channel?: string; version?: string },
        ) => {
          const resolved = await broker.resolve(family, {
            provider: flags.provider,
            region: flags.region,
            channel: flags.version ? undefined : flags.channel,
            version: flags.version,
          });
          output.result(resolved, () => resolved.nativeId);
        },
      ),
    );

  families
    .command('deprecate')
    .description('Deprecate (or obsolete, or revoke) a version, now or at a time')
    .argument('<family>')
    .argument('<version>')
    .addOption(new Option('--state <state>').choices(['deprecated', 'obsolete', 'revoked']).default('deprecated'))
    .option('--at <time>', 'ISO 8601 time when it takes effect (default now)')
    .option('--replacement <version>', 'the version to use instead')
    .option('--move-channels-to <version>', 'move channels that point at this version (needed to revoke one)')
    .option('--force', 'revoke even when a channel points at it')
    .addHelpText(
      'after',
      '\nExample:\n  image-broker families deprecate gpu-base 2026.11 --replacement 2026.12 --at 2027-01-31T00:00:00Z',
    )
    .action(
      action(
        async (
          { broker, output },
          family: string,
          version: string,
          flags: {
            state: 'deprecated' | 'obsolete' | 'revoked';
            at?: string;
            replacement?: string;
            moveChannelsTo?: string;
            force?: boolean;
          },
        ) => {
          const changed = await broker.transport.data(
            broker.api.PATCH('/v1/families/{family}/versions/{version}', {
              params: { path: { family, version } },
              body: {
                state: flags.state,
                stateAt: flags.at,
                replacement: flags.replacement,
                moveChannelsTo: flags.moveChannelsTo,
                force: flags.force === true,
              },
            }),
            'PATCH version',
          );
          output.result(
            changed,
            () =>
              `${family} ${version}: ${changed.scheduled ? `${changed.scheduled.state} at ${changed.scheduled.at}` : changed.state}`,
          );
        },
      ),
    );

  families
    .command('ls')
    .description('List families')
    .addHelpText('after', '\nExample:\n  image-broker families ls')
    .action(
      action(async ({ broker, output }) => {
        const page = await broker.transport.data(broker.api.GET('/v1/families'), 'GET families');
        output.result(page, () =>
          table(page.items as never, [
            ['name', 'name'],
            ['description', 'description'],
          ]),
        );
      }),
    );
  return families;
}
