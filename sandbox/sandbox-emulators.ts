import type { FaultInjector } from '../src/providers/emulator-kit/fault-injection';
import { PROVIDER_KINDS } from '../src/providers/kinds/provider-kinds';
import type { RunningKindSandbox } from '../src/providers/port/kind-sandbox';
import type { ProviderKindDefinition } from '../src/providers/port/provider-kind';

export interface SandboxEmulators {
  providersYaml: string;
  /** Secrets the providers file references as ${env:NAME}. */
  env: Record<string, string>;
  providerNames: string[];
  /** Each connection's fault injector, to make a cloud slow, flaky or down at run time. */
  faults: Record<string, FaultInjector>;
  describe(): string[];
  close(): Promise<void>;
}

/**
 * Seed images per emulated connection: by each kind's size key (see its
 * emulator/sandbox.ts; a kind not named keeps its own default, a catalogue a
 * newcomer can browse), or one number for every connection of every kind.
 */
export type SandboxSizes = Readonly<Record<string, number>> | number;

/**
 * One emulator per provider connection of the sandbox, each seeded with a
 * realistic catalogue: every kind's own sandbox part, in the registry's order.
 *
 * @param fptS3Endpoint an S3-compatible server to back FPT's presigned part URLs with a real multipart
 *   upload (the sandbox passes its embedded store); without it, parts go to the emulator's own disk.
 * @param kinds the kinds to emulate: PROVIDER_KINDS, unless a test adds one.
 */
export async function startSandboxEmulators(
  sizes: SandboxSizes = {},
  fptS3Endpoint?: string,
  kinds: readonly ProviderKindDefinition[] = PROVIDER_KINDS,
): Promise<SandboxEmulators> {
  const options =
    typeof sizes === 'number' ? { sizeForAll: sizes, s3Endpoint: fptS3Endpoint } : { sizes, s3Endpoint: fptS3Endpoint };
  const parts = await Promise.all(kinds.map(async (kind) => (await kind.sandbox()).start(options)));
  const connections = parts.flatMap((part: RunningKindSandbox) => part.connections);
  return {
    providersYaml: `# Written by npm run dev: the sandbox's emulated clouds.\nproviders:\n${connections.map((c) => c.yaml).join('')}`,
    env: Object.assign({}, ...parts.map((part) => part.env)) as Record<string, string>,
    providerNames: connections.map((c) => c.name),
    // Every kind's sandbox part hands its emulator's FaultInjector (the port cannot name emulator types).
    faults: Object.fromEntries(connections.map((c) => [c.name, c.faults as FaultInjector])),
    describe: () => connections.map((c) => c.describe),
    close: async () => {
      await Promise.all(parts.map((part) => part.close()));
    },
  };
}
