import { fork, type ChildProcess } from 'node:child_process';
import { startEmbeddedS3, type EmbeddedS3 } from '../sandbox/embedded-s3';

/**
 * The embedded S3 store in a child process of its own, as a deployment's
 * staging store is a service of its own: in the benchmark's process it would
 * share one event loop with the emulators it is measured beside.
 */
export function startS3Child(bucket = 'image-broker-staging'): Promise<EmbeddedS3 & { pid: number }> {
  const child: ChildProcess = fork(__filename, ['--serve', bucket], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the S3 child exited with ${code} before it listened`)));
    child.once('message', (message: { endpoint: string; env: Record<string, string> }) => {
      child.removeAllListeners('exit');
      resolve({
        ...message,
        pid: child.pid ?? 0,
        close: () =>
          new Promise<void>((done) => {
            child.once('exit', () => done());
            child.send('close');
          }),
      });
    });
  });
}

if (require.main === module && process.argv[2] === '--serve') {
  void startEmbeddedS3(process.argv[3]).then((s3) => {
    process.send?.({ endpoint: s3.endpoint, env: s3.env });
    process.on('message', () => void s3.close().then(() => process.exit(0)));
    // The benchmark died without saying close: do not outlive it.
    process.on('disconnect', () => void s3.close().then(() => process.exit(0)));
  });
}
