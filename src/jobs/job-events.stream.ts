import type { ServerResponse } from 'node:http';
import type { Job } from '../platform/persistence/generated/client';
import type { JobDto } from './dto/job.dto';
import { presentJob } from './job.presenter';

const POLL_MS = 250;
const HEARTBEAT_MS = 15_000;
const ENDED = new Set(['succeeded', 'failed', 'cancelled']);

/**
 * GET /v1/jobs/{id}/events: a server-sent event whenever the job's state or
 * progress changes, until it ends. It reads the job row, so it works on any
 * API replica whichever worker runs the job.
 */
export async function streamJobEvents(
  response: ServerResponse,
  load: () => Promise<Job | null>,
  closed: AbortSignal,
): Promise<void> {
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  let last = '';
  let lastWrite = Date.now();
  try {
    while (!closed.aborted) {
      const job = await load();
      if (!job) break;
      const dto = presentJob(job);
      const fingerprint = `${dto.state}|${dto.progress.bytesDone}|${dto.progress.bytesTotal}|${dto.attempts}|${dto.error?.code}`;
      if (fingerprint !== last) {
        last = fingerprint;
        write(response, dto);
        lastWrite = Date.now();
      } else if (Date.now() - lastWrite > HEARTBEAT_MS) {
        response.write(': keep-alive\n\n');
        lastWrite = Date.now();
      }
      if (ENDED.has(dto.state)) break;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } finally {
    response.end();
  }
}

function write(response: ServerResponse, job: JobDto): void {
  const event = ENDED.has(job.state)
    ? 'end'
    : job.state === 'running' && job.progress.bytesDone > 0
      ? 'progress'
      : 'state';
  response.write(`id: ${Date.now()}\nevent: ${event}\ndata: ${JSON.stringify(job)}\n\n`);
}
