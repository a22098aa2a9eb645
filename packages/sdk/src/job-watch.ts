import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathOf, type BrokerTransport, type Job } from './client';
import { ImageBrokerError } from './errors';

export interface JobEvent {
  /** The event's id: stable for a state, so a reconnect with it sends nothing twice. */
  id: string | null;
  /** `state`, `progress`, or `end` (the job ended: succeeded, failed or cancelled). */
  type: string;
  job: Job;
}

export interface WatchOptions {
  signal?: AbortSignal;
  /** Resume after this event id (what the last event seen carried). */
  lastEventId?: string;
  /** Reconnects in a row without an event before giving up. Default 10. */
  maxReconnects?: number;
}

const ENDED = new Set(['succeeded', 'failed', 'cancelled']);

/** Whether a job in this state has ended (succeeded, failed or cancelled). */
export function hasEnded(state: string): boolean {
  return ENDED.has(state);
}

/**
 * The job's server-sent events as an async iterator, until the job ends. A
 * dropped connection is reopened with `Last-Event-ID` after the wait the
 * server's `retry:` asks (or backoff), so no event is lost or repeated.
 */
export async function* watchJobEvents(
  transport: BrokerTransport,
  jobId: string,
  options: WatchOptions = {},
): AsyncGenerator<JobEvent, void, undefined> {
  let lastEventId = options.lastEventId;
  let retryMs = 1000;
  let failuresInRow = 0;
  const maxReconnects = options.maxReconnects ?? 10;
  for (;;) {
    options.signal?.throwIfAborted();
    const queue: JobEvent[] = [];
    const parser = createParser({
      onEvent(message: EventSourceMessage) {
        if (!message.data) return;
        queue.push({ id: message.id ?? null, type: message.event ?? 'message', job: JSON.parse(message.data) as Job });
      },
      onRetry(ms: number) {
        retryMs = ms;
      },
    });
    try {
      const headers: Record<string, string> = { accept: 'text/event-stream' };
      if (lastEventId) headers['last-event-id'] = lastEventId;
      const response = await transport.send(pathOf('/v1/jobs/{id}/events', { id: jobId }), {
        method: 'GET',
        headers,
        signal: options.signal,
      });
      // 204: the job ended with the event the client already has; there is nothing more to say.
      if (response.status === 204) return;
      const decoder = new TextDecoder();
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        parser.feed(decoder.decode(chunk, { stream: true }));
        while (queue.length > 0) {
          const event = queue.shift()!;
          failuresInRow = 0;
          if (event.id) lastEventId = event.id;
          yield event;
          if (event.type === 'end' || hasEnded(event.job.state)) return;
        }
      }
    } catch (error) {
      if (options.signal?.aborted) throw error;
      // A problem the broker answered (404, 401…) will not get better by asking again.
      if (error instanceof ImageBrokerError && error.status >= 400 && error.status < 500 && error.status !== 429) {
        throw error;
      }
    }
    // The stream ended (or broke) before the job did: reconnect, resuming after the last event.
    if (++failuresInRow > maxReconnects) {
      throw new ImageBrokerError({
        type: 'about:blank',
        title: 'Job events lost',
        status: 0,
        detail: `no event from job ${jobId} after ${maxReconnects} reconnects`,
      });
    }
    await sleep(Math.min(retryMs * failuresInRow, 30_000), undefined, { signal: options.signal });
  }
}
