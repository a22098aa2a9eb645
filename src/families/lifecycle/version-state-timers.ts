import { Injectable, Logger } from '@nestjs/common';
import type { TimerHandler } from '../../jobs/timers/timer-types';
import { VersionStateWriter } from './version-state-writer';

/** The timer that carries out one version's scheduled state change. */
export const VERSION_STATE_DUE = 'version-state-due';
/** The periodic sweep that carries out every change past due whose timer was lost. */
export const VERSION_STATE_SWEEP = 'version-state-sweep';

/** A firing that arrives this early (clocks of two hosts) waits for the time instead of leaving it to the sweep. */
const EARLY_WAIT_MAX_MS = 5_000;

/** Fires at a version's scheduledAt (queued by the PATCH that scheduled it). */
@Injectable()
export class VersionStateDueTimer implements TimerHandler {
  readonly name = VERSION_STATE_DUE;

  constructor(private readonly writer: VersionStateWriter) {}

  async fire(versionId: string): Promise<void> {
    if (await this.writer.applyDue(versionId)) return;
    const wait = await this.writer.msUntilDue(versionId);
    if (wait === null || wait > EARLY_WAIT_MAX_MS) return;
    await new Promise((resolve) => setTimeout(resolve, wait));
    await this.writer.applyDue(versionId);
  }
}

/** Every minute and at worker start: whatever is past due, in case a timer was lost (a Redis without its data). */
@Injectable()
export class VersionStateSweep implements TimerHandler {
  readonly name = VERSION_STATE_SWEEP;
  readonly everyMs = 60_000;
  private readonly logger = new Logger(VersionStateSweep.name);

  constructor(private readonly writer: VersionStateWriter) {}

  async fire(): Promise<void> {
    let applied = 0;
    for (const id of await this.writer.dueVersionIds()) if (await this.writer.applyDue(id)) applied += 1;
    if (applied > 0) this.logger.log(`carried out ${applied} scheduled version change(s) past due`);
  }
}
