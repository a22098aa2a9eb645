import { MultiBar, Presets, SingleBar } from 'cli-progress';
import { bytes, type Output } from './output';

/** A bar of bytes with rate and ETA, on stderr; `visible` when a person is at a terminal (Output.interactive). */
export class BytesBar {
  private readonly bar: SingleBar | null;
  private readonly started = Date.now();
  private baseline = 0;

  constructor(visible: boolean, label: string, total: number | null) {
    this.bar = visible
      ? new SingleBar(
          {
            format: `${label} {bar} {percentage}% | {done}/{size} | {rate}/s | ETA {eta_formatted}`,
            stream: process.stderr,
            hideCursor: true,
            etaBuffer: 50,
            fps: 10,
          },
          Presets.shades_classic,
        )
      : null;
    this.bar?.start(total ?? 0, 0, { done: bytes(0), size: bytes(total), rate: bytes(0) });
  }

  /** Bytes that were there before this run (a resumed upload or download): not counted in the rate. */
  skip(already: number): void {
    this.baseline = already;
  }

  update(done: number): void {
    const seconds = Math.max((Date.now() - this.started) / 1000, 0.001);
    const rate = Math.max(0, done - this.baseline) / seconds;
    this.bar?.update(done, { done: bytes(done), rate: bytes(Math.round(rate)) });
  }

  stop(): void {
    this.bar?.stop();
  }
}

/** One bar per job (replication targets): percent of the job's bytes. */
export class JobBars {
  private readonly multi: MultiBar | null;
  private readonly bars = new Map<string, ReturnType<MultiBar['create']>>();

  constructor(output: Output) {
    this.multi = output.interactive
      ? new MultiBar(
          { format: '{label} {bar} {percentage}% | {state}', stream: process.stderr, hideCursor: true, fps: 5 },
          Presets.shades_classic,
        )
      : null;
  }

  update(key: string, label: string, done: number, total: number, state: string): void {
    if (!this.multi) return;
    let bar = this.bars.get(key);
    if (!bar) {
      bar = this.multi.create(Math.max(total, 1), 0, { label, state });
      this.bars.set(key, bar);
    }
    if (total > 0) bar.setTotal(total);
    bar.update(state === 'succeeded' ? Math.max(total, 1) : done, { label, state });
  }

  stop(): void {
    this.multi?.stop();
  }
}
