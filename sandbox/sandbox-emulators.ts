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

/** Seed images per emulated connection, by each kind's size key (see its emulator/sandbox.ts). */
export type SandboxSizes = Readonly<Record<string, number>>;

/** A catalogue a newcomer can browse: a few hundred images, every kind of image on show. */
export const SANDBOX_SIZES: SandboxSizes = { nhn: 120, vietnix: 130, fpt: 150, genesis: 80, nscale: 200 };

/**
 * One emulator per provider connection of the sandbox, each seeded with a
 * realistic catalogue: every kind's own sandbox part, in the registry's order.
 *
 * @param fptS3Endpoint an S3-compatible server to back FPT's presigned part URLs with a real multipart
 *   upload (the sandbox passes its embedded store); without it, parts go to the emulator's own disk.
 * @param kinds the kinds to emulate: PROVIDER_KINDS, unless a test adds one.
 */
export async function startSandboxEmulators(
  sizes: SandboxSizes = SANDBOX_SIZES,
  fptS3Endpoint?: string,
  kinds: readonly ProviderKindDefinition[] = PROVIDER_KINDS,
): Promise<SandboxEmulators> {
  const parts = await Promise.all(
    kinds.map(async (kind) => (await kind.sandbox()).start({ sizes, s3Endpoint: fptS3Endpoint })),
  );
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
