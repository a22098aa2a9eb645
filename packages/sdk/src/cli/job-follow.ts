import type { Job } from '../client';
import type { ImageBroker } from '../image-broker';
import { hasEnded } from '../job-watch';
import { ExitCode } from './exit-codes';
import { JobBars } from './progress';
import type { Output } from './output';

/** Follows jobs to their end, one bar each; answers the ended jobs. */
export async function followJobs(
  broker: ImageBroker,
  output: Output,
  jobs: Array<{ id: string; label: string }>,
): Promise<Job[]> {
  const bars = new JobBars(output);
  try {
    return await Promise.all(
      jobs.map(async ({ id, label }) => {
        const job = await broker.waitForJob(id, {
          onEvent: ({ job }) => {
            bars.update(id, label, job.progress.bytesDone, job.progress.bytesTotal ?? 0, job.state);
            if (!output.interactive && hasEnded(job.state)) output.info(`${label}: ${job.state}`);
          },
        });
        bars.update(id, label, job.progress.bytesDone, job.progress.bytesTotal ?? 0, job.state);
        return job;
      }),
    );
  } finally {
    bars.stop();
  }
}

export function exitCodeOfJobs(jobs: Job[]): number {
  return jobs.every((job) => job.state === 'succeeded') ? ExitCode.ok : ExitCode.failed;
}

export function jobLine(job: Job): string {
  const error = job.error ? ` ${job.error.code}: ${job.error.message}` : '';
  return `${job.id} ${job.type} ${job.state}${error}`;
}
