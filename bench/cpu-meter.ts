import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat on Linux. */
const TICKS = 100;

function processSeconds(pid: number): number | null {
  try {
    // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return null;
  }
}

/**
 * CPU seconds (user + system) that processes spend between start and stop.
 * `self` is this benchmark's own process, which hosts the emulators and the
 * embedded S3: on a machine with few cores the CPU every hop costs, not the
 * network, bounds a transfer.
 */
export class CpuMeter {
  private readonly start = new Map<string, number>();
  private readonly selfStart = process.cpuUsage();

  constructor(private readonly pids: Record<string, number | undefined>) {
    for (const [name, pid] of Object.entries(pids)) {
      const seconds = pid ? processSeconds(pid) : null;
      if (seconds !== null) this.start.set(name, seconds);
    }
  }

  stop(): Record<string, number> {
    const used: Record<string, number> = {};
    for (const [name, pid] of Object.entries(this.pids)) {
      const seconds = pid ? processSeconds(pid) : null;
      const from = this.start.get(name);
      if (seconds !== null && from !== undefined) used[name] = seconds - from;
    }
    const self = process.cpuUsage(this.selfStart);
    used.self = (self.user + self.system) / 1e6;
    return used;
  }
}

/** "api 12.3 s, worker 4.5 s, …" */
export function formatCpu(used: Record<string, number>): string {
  return Object.entries(used)
    .map(([name, seconds]) => `${name} ${seconds.toFixed(1)} s`)
    .join(', ');
}
