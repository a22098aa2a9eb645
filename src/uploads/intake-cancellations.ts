import { Inject, Injectable } from '@nestjs/common';
import type IORedis from 'ioredis';
import { AppConfig } from '../platform/config/app-config';
import { COORDINATION_SUBSCRIBER } from '../platform/coordination/coordination.module';
import { cancellationChannel } from '../jobs/job-handler';

/**
 * Tells an intake at once that its upload job was cancelled, on whichever API
 * replica the cancel came in: the same Redis channel that tells the workers.
 * Without it, an intake learns of the cancel only when its next segment is
 * stored, which a slow client may take long to fill.
 */
@Injectable()
export class IntakeCancellations {
  private readonly watchers = new Map<string, Set<() => void>>();

  constructor(@Inject(COORDINATION_SUBSCRIBER) subscriber: IORedis | null, config: AppConfig) {
    if (!subscriber) return;
    const channel = cancellationChannel(config.redisPrefix);
    subscriber.on('message', (from: string, jobId: string) => {
      if (from !== channel) return;
      for (const onCancel of this.watchers.get(jobId) ?? []) onCancel();
    });
    // ioredis subscribes again after a reconnect; a cancel missed meanwhile is seen at the next segment.
    void subscriber.subscribe(channel).catch(() => undefined);
  }

  /** Calls `onCancel` when job `jobId` is cancelled, until the returned function is called. */
  watch(jobId: string, onCancel: () => void): () => void {
    const watchers = this.watchers.get(jobId) ?? new Set<() => void>();
    watchers.add(onCancel);
    this.watchers.set(jobId, watchers);
    return () => {
      watchers.delete(onCancel);
      if (watchers.size === 0) this.watchers.delete(jobId);
    };
  }
}
