import { ImageBrokerError } from '../errors';

export interface OutputFlags {
  json?: boolean;
  quiet?: boolean;
  color?: boolean;
}

/**
 * Where a command's results go. `--json` prints one JSON document on stdout
 * (errors as JSON on stderr); otherwise text, with colour and progress bars
 * only when stdout is a terminal (and NO_COLOR is unset); `--quiet` prints
 * results only.
 */
export class Output {
  readonly json: boolean;
  readonly quiet: boolean;
  /** Bars and colour: a person is watching. */
  readonly interactive: boolean;
  private readonly colour: boolean;

  constructor(
    flags: OutputFlags,
    private readonly stdout: NodeJS.WriteStream = process.stdout,
    private readonly stderr: NodeJS.WriteStream = process.stderr,
  ) {
    this.json = flags.json === true;
    this.quiet = flags.quiet === true;
    this.interactive = Boolean(stdout.isTTY) && !this.json && !this.quiet;
    this.colour = this.interactive && flags.color !== false && !process.env.NO_COLOR;
  }

  /** A command's result: JSON under --json, else the text `render` makes. */
  result(value: unknown, render: () => string): void {
    if (this.json) this.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    else {
      const text = render();
      if (text) this.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    }
  }

  /** A remark for the person at the terminal (stderr; never under --json or --quiet). */
  info(message: string): void {
    if (!this.json && !this.quiet) this.stderr.write(`${message}\n`);
  }

  error(error: unknown): void {
    if (this.json) {
      const body =
        error instanceof ImageBrokerError
          ? { error: error.problem }
          : { error: { title: String((error as Error)?.message ?? error) } };
      this.stderr.write(`${JSON.stringify(body)}\n`);
      return;
    }
    if (error instanceof ImageBrokerError) {
      const status = error.status ? ` (${error.status})` : '';
      this.stderr.write(`${this.paint('red', 'error')}: ${error.message}${status}\n`);
      for (const field of error.fields) this.stderr.write(`  ${field.field}: ${field.message}\n`);
      return;
    }
    this.stderr.write(`${this.paint('red', 'error')}: ${error instanceof Error ? error.message : String(error)}\n`);
  }

  paint(colour: 'red' | 'green' | 'yellow' | 'dim', text: string): string {
    if (!this.colour) return text;
    const codes = { red: 31, green: 32, yellow: 33, dim: 2 } as const;
    return `\u001b[${codes[colour]}m${text}\u001b[0m`;
  }

  state(state: string): string {
    const colour =
      state === 'succeeded' || state === 'active'
        ? 'green'
        : state === 'failed' || state === 'cancelled'
          ? 'red'
          : 'yellow';
    return this.paint(colour, state);
  }
}

/**
 * Rows as aligned columns. Hand-written: a dozen lines, where a table library
 * would bring box drawing and colour handling the CLI turns off anyway.
 */
export function table(rows: Array<Record<string, unknown>>, columns: Array<[key: string, heading: string]>): string {
  const cells = rows.map((row) => columns.map(([key]) => text(row[key])));
  const widths = columns.map(([, heading], i) => Math.max(heading.length, ...cells.map((r) => r[i].length)));
  const line = (values: string[]): string =>
    values
      .map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(columns.map(([, heading]) => heading.toUpperCase())), ...cells.map(line)].join('\n');
}

function text(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}

export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${n} B` : `${value.toFixed(1)} ${units[unit]}`;
}
