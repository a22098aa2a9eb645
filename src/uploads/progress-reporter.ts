/**
 * Turns an adapter's frequent progress calls into at most two writes a
 * second, so a fast transfer does not flood PostgreSQL while the job's
 * bytesDone still moves at least once a second.
 */
export class ProgressReporter {
  private lastWrite = 0;
  private pending: number | null = null;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly write: (bytesDone: number) => Promise<void>,
    private readonly intervalMs = 500,
  ) {}

  report(bytesDone: number): void {
    this.pending = bytesDone;
    const wait = this.lastWrite + this.intervalMs - Date.now();
    if (wait <= 0) {
      this.flushNow();
    } else if (!this.timer) {
      this.timer = setTimeout(() => this.flushNow(), wait);
    }
  }

  /** Writes what is pending and stops. */
  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending !== null) await this.write(this.pending).catch(() => undefined);
    this.pending = null;
  }

  private flushNow(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending === null) return;
    const value = this.pending;
    this.pending = null;
    this.lastWrite = Date.now();
    void this.write(value).catch(() => undefined);
  }
}
