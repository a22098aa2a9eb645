import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';

/**
 * Pseudo-random bytes (hash chains, so nothing compresses), written in 8 MiB
 * blocks; resolves to the file's sha256.
 */
export async function writeTestFile(path: string, size: number): Promise<string> {
  const out = createWriteStream(path);
  const sha256 = createHash('sha256');
  let block = Buffer.alloc(8 * 1024 * 1024);
  let seed = createHash('sha512').update('bench').digest();
  for (let i = 0; i < block.length; i += seed.length) {
    seed = createHash('sha512').update(seed).digest();
    seed.copy(block, i);
  }
  for (let written = 0, n = 0; written < size; written += block.length, n++) {
    block = Buffer.from(block);
    block.writeUInt32BE(n, 0);
    const chunk = block.subarray(0, Math.min(block.length, size - written));
    sha256.update(chunk);
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return sha256.digest('hex');
}

/** Seconds `work` took. */
export async function timed(work: () => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e9;
}
