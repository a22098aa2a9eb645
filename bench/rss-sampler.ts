import { readFileSync } from 'node:fs';

/** Samples the resident memory of processes every 100 ms and keeps each one's peak, in MiB. */
export class RssSampler {
  private readonly peaks = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pids: Record<string, number | undefined>) {
    this.timer = setInterval(() => this.sample(), 100);
  }

  stop(): Record<string, number> {
    clearInterval(this.timer);
    this.sample();
    return Object.fromEntries(this.peaks);
  }

  private sample(): void {
    for (const [name, pid] of Object.entries(this.pids)) {
      if (!pid) continue;
      try {
        const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
        if (match) this.peaks.set(name, Math.max(this.peaks.get(name) ?? 0, Number(match[1]) / 1024));
      } catch {
        // the process has ended
      }
    }
  }
}
