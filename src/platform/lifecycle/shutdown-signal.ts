import { Injectable } from '@nestjs/common';

/**
 * Raised once, when the process begins to shut down: readiness fails and
 * long-lived responses (server-sent events) end, so the HTTP drain is not
 * held up by streams that would never finish on their own.
 */
@Injectable()
export class ShutdownSignal {
  private readonly controller = new AbortController();

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get raised(): boolean {
    return this.controller.signal.aborted;
  }

  raise(): void {
    this.controller.abort(new Error('shutting down'));
  }
}
