import type { ServerResponse } from 'node:http';
import type { Job } from '../platform/persistence/generated/client';
import type { JobDto } from './dto/job.dto';
import { presentJob } from './job.presenter';

const POLL_MS = 250;
const HEARTBEAT_MS = 15_000;
/** The reconnection delay an EventSource is told to use (the `retry:` field). */
export const RETRY_MS = 2_000;
const ENDED = new Set(['succeeded', 'failed', 'cancelled']);

/**
 * The event id of the job as shown: `run.phase.bytesDone`, three integers.
 * `run` is the start of the current run in epoch milliseconds (0 before the
 * first), `phase` 0 queued before any run, 1 running with no total known,
 * 2 running with a total, 3 queued again after a run (a retry pending, or a
 * worker that stopped), 4 ended. The same state always has the same id on any
 * replica, and every later state's id is greater, compared number by number.
 */
export function jobEventId(job: Job): string {
  const run = job.startedAt?.getTime() ?? 0;
  const phase = ENDED.has(job.state)
    ? 4
    : job.state === 'running'
      ? job.bytesTotal === null
        ? 1
        : 2
      : job.startedAt === null
        ? 0
        : 3;
  return `${run}.${phase}.${job.bytesDone}`;
}

/**
 * GET /v1/jobs/{id}/events: a server-sent event whenever the job's state or
 * progress changes, until it ends. It reads the job row, so it works on any
 * API replica whichever worker runs the job. Each event's id is derived from
 * the state it shows (jobEventId); a client reconnecting with `lastEventId`
 * (its Last-Event-ID) is not sent that state again, only what follows it.
 */
export async function streamJobEvents(
  response: ServerResponse,
  load: () => Promise<Job | null>,
  closed: AbortSignal,
  lastEventId: string | null = null,
): Promise<void> {
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  response.write(`retry: ${RETRY_MS}\n\n`);
  let last = lastEventId ?? '';
  let lastWrite = Date.now();
  try {
    while (!closed.aborted) {
      const row = await load();
      if (!row) break;
      const id = jobEventId(row);
      const dto = presentJob(row);
      if (id !== last) {
        last = id;
        write(response, id, dto);
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

function write(response: ServerResponse, id: string, job: JobDto): void {
  const event = ENDED.has(job.state)
    ? 'end'
    : job.state === 'running' && job.progress.bytesDone > 0
      ? 'progress'
      : 'state';
  response.write(`id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(job)}\n\n`);
}
