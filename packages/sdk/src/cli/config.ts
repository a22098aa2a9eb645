import { createHash } from 'node:crypto';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Where `login` keeps the URL and key: $IMAGE_BROKER_CONFIG_DIR, else $XDG_CONFIG_HOME/image-broker, else ~/.config/image-broker. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.IMAGE_BROKER_CONFIG_DIR) return env.IMAGE_BROKER_CONFIG_DIR;
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'image-broker');
}

export interface StoredConfig {
  url?: string;
  token?: string;
}

export async function readConfig(): Promise<StoredConfig> {
  try {
    return JSON.parse(await readFile(join(configDir(), 'config.json'), 'utf8')) as StoredConfig;
  } catch {
    return {};
  }
}

/** The key is a secret: the file is readable by its owner only. */
export async function writeConfig(config: StoredConfig): Promise<string> {
  const dir = configDir();
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, 'config.json');
  await writeFile(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return file;
}

/** The broker to talk to: flags, then IMAGE_BROKER_URL/IMAGE_BROKER_TOKEN, then what `login` stored. */
export async function connection(flags: { url?: string; token?: string }): Promise<{ url?: string; token?: string }> {
  const stored = await readConfig();
  return {
    url: flags.url ?? process.env.IMAGE_BROKER_URL ?? stored.url,
    token: flags.token ?? process.env.IMAGE_BROKER_TOKEN ?? stored.token,
  };
}

/**
 * An upload in progress, kept so `images upload --resume` finds its session
 * after the CLI was killed. Keyed by image and the file's absolute path.
 */
export interface UploadState {
  imageId: string;
  file: string;
  sizeBytes: number;
  uploadId: string;
}

function uploadStateFile(imageId: string, file: string): string {
  const key = createHash('sha256')
    .update(`${imageId}\n${resolve(file)}`)
    .digest('hex')
    .slice(0, 32);
  return join(configDir(), 'uploads', `${key}.json`);
}

export async function readUploadState(imageId: string, file: string): Promise<UploadState | null> {
  try {
    return JSON.parse(await readFile(uploadStateFile(imageId, file), 'utf8')) as UploadState;
  } catch {
    return null;
  }
}

export async function writeUploadState(state: UploadState): Promise<void> {
  const path = uploadStateFile(state.imageId, state.file);
  await mkdir(join(configDir(), 'uploads'), { recursive: true, mode: 0o700 });
  await writeFile(path, JSON.stringify(state), { mode: 0o600 });
}

export async function clearUploadState(imageId: string, file: string): Promise<void> {
  await rm(uploadStateFile(imageId, file), { force: true });
}
