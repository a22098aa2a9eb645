import type IORedis from 'ioredis';

/** What an intake tells the push that follows it: a segment landed, or the upload ended (verified, refused, cancelled). */
export type UploadSignal = 'staged' | 'ended';

/** One upload's signals, as a waiter sees them: nothing that arrives between two waits is lost. */
export interface UploadSignalWatch {
  /**
   * Resolves at the upload's next signal, at once when one came since the
   * last call, or after `timeoutMs` (the caller then re-reads the row: a
   * message may be lost on a Redis reconnect). Rejects with the signal's reason.
   */
  next(timeoutMs: number, signal?: AbortSignal): Promise<void>;
  close(): void;
}

/**
 * Redis pub/sub between an upload's intake (API process) and the push that
 * reads it while it is received (worker): the intake publishes after each
 * row write, so the push reads the row when it changed instead of every few
 * hundred milliseconds. The row stays the truth; a signal only says "look".
 */
export class UploadSignals {
  private readonly channel: string;
  private readonly watchers = new Map<string, Set<() => void>>();

  constructor(
    private readonly publisher: IORedis,
    subscriber: IORedis | null,
    redisPrefix: string,
  ) {
    this.channel = `${redisPrefix}:upload-signals`;
    if (!subscriber) return;
    subscriber.on('message', (from: string, message: string) => {
      if (from !== this.channel) return;
      const uploadId = message.slice(0, message.indexOf(' '));
      for (const wake of this.watchers.get(uploadId) ?? []) wake();
    });
    // ioredis subscribes again after a reconnect; what was missed meanwhile the waiter's re-read finds.
    void subscriber.subscribe(this.channel).catch(() => undefined);
  }

  /** Best effort: a signal that cannot be sent is found by the waiter's next re-read. */
  async publish(uploadId: string, signal: UploadSignal): Promise<void> {
    await this.publisher.publish(this.channel, `${uploadId} ${signal}`).catch(() => undefined);
  }

  watch(uploadId: string): UploadSignalWatch {
    let pending = false;
    let wake: (() => void) | null = null;
    const onSignal = (): void => {
      pending = true;
      wake?.();
    };
    const watchers = this.watchers.get(uploadId) ?? new Set<() => void>();
    watchers.add(onSignal);
    this.watchers.set(uploadId, watchers);
    return {
      next: (timeoutMs, signal) =>
        new Promise<void>((resolve, reject) => {
          signal?.throwIfAborted();
          if (pending) {
            pending = false;
            return resolve();
          }
          const done = (): void => {
            clearTimeout(timer);
            signal?.removeEventListener('abort', aborted);
            wake = null;
            pending = false;
            resolve();
          };
          const aborted = (): void => {
            clearTimeout(timer);
            wake = null;
            reject(signal?.reason as Error);
          };
          const timer = setTimeout(done, timeoutMs);
          wake = done;
          signal?.addEventListener('abort', aborted, { once: true });
        }),
      close: () => {
        watchers.delete(onSignal);
        if (watchers.size === 0) this.watchers.delete(uploadId);
      },
    };
  }
}
