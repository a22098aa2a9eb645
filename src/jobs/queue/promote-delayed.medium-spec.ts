import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { deleteRedisPrefix, isolatedNames, REDIS_URL } from '../../../harness/isolated-resources';
import { JOB_REGISTRY, type QueuedJobData } from '../job-types';
import { promoteDelayed } from './promote-delayed';

describe('waking a job held back for its input', () => {
  const names = isolatedNames('promote-delayed');
  const connection = new IORedis(REDIS_URL, { maxRetriesPerRequest: null });
  const transfers = new Queue<QueuedJobData>(JOB_REGISTRY.upload.queue, { connection, prefix: names.redisPrefix });
  const state = async (jobId: string) => (await transfers.getJob(jobId))!.getState();

  afterAll(async () => {
    await transfers.close();
    connection.disconnect();
    await deleteRedisPrefix(names.redisPrefix);
  });

  it('moves a delayed job to the waiting list at once', async () => {
    const jobId = randomUUID();
    // As the worker leaves an upload job whose upload has no staged bytes yet: delayed, far longer than the test.
    await transfers.add('upload', { jobId }, { jobId, delay: 60_000 });
    expect(await state(jobId)).toBe('delayed');

    expect(await promoteDelayed(transfers, jobId)).toBe(true);
    expect(await state(jobId)).toBe('waiting');
  });

  it('leaves alone a job that is not delayed, and says so for one the queue does not hold', async () => {
    const jobId = randomUUID();
    await transfers.add('upload', { jobId }, { jobId });
    expect(await promoteDelayed(transfers, jobId)).toBe(false);
    expect(await state(jobId)).toBe('waiting');
    expect(await promoteDelayed(transfers, randomUUID())).toBe(false);
  });
});
