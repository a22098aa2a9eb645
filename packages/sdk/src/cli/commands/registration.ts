import { Option, type Command } from 'commander';
import type { Image, Schemas } from '../../client';
import type { ImageBroker } from '../../image-broker';

type CreateImage = Schemas['CreateImageDto'];

const DISK_FORMATS = ['ami', 'ari', 'aki', 'vhd', 'vhdx', 'vmdk', 'raw', 'qcow2', 'vdi', 'iso', 'ploop'];
const CONTAINER_FORMATS = ['ami', 'ari', 'aki', 'bare', 'ovf', 'ova', 'docker', 'compressed'];

/** The flags that describe an image to register: `images register`, and `images upload` without `--image`. */
export function withRegistrationOptions(command: Command, required: boolean): Command {
  const providerHelp = required ? 'provider connection' : 'register a new image on this provider connection first';
  return (
    required
      ? command.requiredOption('--provider <name>', providerHelp)
      : command.option('--provider <name>', providerHelp)
  )
    .option('--name <name>', 'image name')
    .option('--region <region>')
    .addOption(new Option('--disk-format <format>').choices(DISK_FORMATS))
    .addOption(new Option('--container-format <format>').choices(CONTAINER_FORMATS))
    .addOption(new Option('--visibility <v>').choices(['public', 'private', 'shared', 'community']))
    .addOption(new Option('--os-type <type>').choices(['linux', 'windows']))
    .option('--os-distro <distro>')
    .option('--os-version <version>')
    .option('--architecture <arch>')
    .option('--tag <tag...>', 'tags');
}

/** POST /v1/images from those flags, declaring the size and sha256 when known. */
export function registerImage(
  broker: ImageBroker,
  flags: Record<string, unknown>,
  declared: { sizeBytes?: number; sha256?: string },
): Promise<Image> {
  const os = {
    type: flags.osType as 'linux' | 'windows' | undefined,
    distro: flags.osDistro as string | undefined,
    version: flags.osVersion as string | undefined,
    architecture: flags.architecture as string | undefined,
  };
  return broker.transport.data(
    broker.api.POST('/v1/images', {
      body: {
        provider: flags.provider as string,
        name: flags.name as string,
        region: flags.region as string | undefined,
        diskFormat: flags.diskFormat as CreateImage['diskFormat'],
        containerFormat: flags.containerFormat as CreateImage['containerFormat'],
        visibility: flags.visibility as CreateImage['visibility'],
        tags: flags.tag as string[] | undefined,
        os: Object.values(os).some((v) => v !== undefined) ? os : undefined,
        ...declared,
      },
    }),
    'POST /v1/images',
  );
}
