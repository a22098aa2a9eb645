import { Worker } from 'bullmq';
import IORedis from 'ioredis';

/**
 * The job benchmark's baseline worker: a bare BullMQ Worker whose processor
 * does nothing, in its own process like the broker's worker, on the same Redis.
 * Prints `ready` once it is listening and `done` when `count` jobs completed.
 * Arguments: redisUrl prefix queue concurrency count.
 */
const [redisUrl, prefix, queue, concurrency, count] = process.argv.slice(2);
const connection = new IORedis(redisUrl, { maxRetriesPerRequest: null });
let completed = 0;
const worker = new Worker(queue, async () => undefined, {
  connection,
  prefix,
  concurrency: Number(concurrency),
});
worker.on('completed', () => {
  completed += 1;
  if (completed === Number(count)) process.stdout.write('done\n');
});
worker.on('failed', (_job, error) => process.stderr.write(`bare worker: job failed: ${error.message}\n`));
worker.waitUntilReady().then(
  () => process.stdout.write('ready\n'),
  (error: unknown) => {
    process.stderr.write(String(error));
    process.exit(1);
  },
);
process.once('SIGTERM', () => {
  void worker.close().finally(() => {
    connection.disconnect();
    process.exit(0);
  });
});
