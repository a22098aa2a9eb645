/**
 * The work the queue's own job scheduler triggers on every tick (SYNC_SCHEDULE_TICK). The job
 * framework runs it without knowing it: the catalogue provides its sync tick under this token.
 */
export const SCHEDULED_TICK = Symbol('SCHEDULED_TICK');

export interface ScheduledTick {
  run(): Promise<unknown>;
}
