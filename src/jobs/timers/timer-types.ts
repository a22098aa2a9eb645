/**
 * Timers: internal work that must happen at a time, on whichever worker is up
 * then (a version's scheduled deprecation), not a timer in one process. They
 * run on a queue of their own, apart from the jobs of the job table: a timer
 * has no row, no slot and no progress, only a name and a key.
 *
 * A capability registers its handlers under TIMER_HANDLERS; src/jobs runs
 * them without knowing them, as it does job handlers.
 */
export const TIMERS_QUEUE = 'timers';

export interface TimerHandler {
  /** The BullMQ job name its firings carry; one handler per name. */
  readonly name: string;
  /**
   * Fire every this many milliseconds (a BullMQ job scheduler, one however
   * many workers run), and once when a worker starts: a sweep that catches
   * up on anything a lost firing missed.
   */
  readonly everyMs?: number;
  /** `key` is what TimerQueue.at was given; '' for a periodic firing. Throwing retries it with backoff. */
  fire(key: string): Promise<void>;
}

export const TIMER_HANDLERS = Symbol('TIMER_HANDLERS');
