import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/**
 * The transfer benchmark's CPU floor: sha256, sha512 and md5 (the digests the
 * broker computes of every upload) of the same file, each chunk through all
 * three in turn, in one process of its own. Its CPU seconds are what hashing
 * alone costs on this machine in this run, reading the bytes once included;
 * no transfer through the broker can spend less.
 */
export interface HashingFloor {
  bytes: number;
  cpuSeconds: number;
  wallSeconds: number;
}

/** Hashes `file` in a child process and resolves to what it measured. */
export function measureHashingFloor(file: string): Promise<HashingFloor> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [__filename, file], (error, stdout) => {
      if (error) reject(error);
      else resolve(JSON.parse(stdout) as HashingFloor);
    });
  });
}

async function hashFile(file: string): Promise<HashingFloor> {
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  const hashes = [createHash('sha256'), createHash('sha512'), createHash('md5')];
  let bytes = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) {
    bytes += (chunk as Buffer).length;
    for (const hash of hashes) hash.update(chunk as Buffer);
  }
  for (const hash of hashes) hash.digest();
  const used = process.cpuUsage(cpu);
  return {
    bytes,
    cpuSeconds: (used.user + used.system) / 1e6,
    wallSeconds: Number(process.hrtime.bigint() - started) / 1e9,
  };
}

if (require.main === module) {
  hashFile(process.argv[2]).then(
    (floor) => process.stdout.write(JSON.stringify(floor)),
    (error: unknown) => {
      process.stderr.write(String(error));
      process.exit(1);
    },
  );
}
