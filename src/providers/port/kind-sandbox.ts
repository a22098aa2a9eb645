/**
 * The sandbox part of a provider kind: emulators seeded with a realistic
 * catalogue, and the providers-file entries that point the broker at them.
 * Each kind implements it in kinds/<kind>/emulator/sandbox.ts (`satisfies KindSandbox`).
 */
export interface KindSandboxOptions {
  /** Seed images per sandbox connection, by the short key the kind documents (nhn, vietnix, fpt, ...); the kind has defaults. */
  sizes?: Readonly<Record<string, number>>;
  /** Seed images on every connection of the kind, over `sizes` and the defaults: a benchmark's large catalogue. */
  sizeForAll?: number;
  /** An S3-compatible server an emulator may keep uploaded bytes in (the sandbox's embedded one). */
  s3Endpoint?: string;
}

/** One emulated connection of the sandbox. */
export interface SandboxConnection {
  name: string;
  /** The connection's entry in the providers file: YAML lines, each indented as a list item ("  - name: ..."). */
  yaml: string;
  /** One line for the sandbox's banner. */
  describe: string;
  /** The emulator's fault injector (emulator-kit's FaultInjector; the port may not name emulator code). */
  faults: unknown;
}

export interface RunningKindSandbox {
  connections: SandboxConnection[];
  /** Secrets the YAML references as ${env:NAME}. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export interface KindSandbox {
  start(options: KindSandboxOptions): Promise<RunningKindSandbox>;
}

/**
 * Loads a kind's sandbox part by path at run time. Emulators stay out of the
 * production build, so a kind's definition (which production code imports)
 * must not import its emulator statically: that import would pull every
 * emulator file into the production program. The path is resolved only when
 * the sandbox or a test asks for it, from the source tree or a development build.
 */
export async function loadKindSandbox(modulePath: string): Promise<KindSandbox> {
  const loaded = (await import(modulePath)) as { sandbox?: KindSandbox };
  if (!loaded.sandbox) throw new Error(`${modulePath} exports no sandbox`);
  return loaded.sandbox;
}
