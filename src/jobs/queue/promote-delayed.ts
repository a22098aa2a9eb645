import type { Queue } from 'bullmq';

/**
 * Moves a job that waits in the queue's delayed set to the waiting list now.
 * False when the queue holds it otherwise (not relayed yet, being looked at,
 * running) or not at all. Kept apart from JobQueue, a Nest provider, so a
 * spec can run it against Redis without the framework.
 */
export async function promoteDelayed(queue: Queue, jobId: string): Promise<boolean> {
  const job = await queue.getJob(jobId);
  if (!job || !(await job.isDelayed())) return false;
  // BullMQ refuses to promote a job that left the delayed set since isDelayed: the same outcome as not delayed.
  return job.promote().then(
    () => true,
    () => false,
  );
}
