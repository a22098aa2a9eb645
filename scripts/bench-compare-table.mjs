// Reads the logs of `npm run bench` that bench-compare.sh wrote (<dir>/<side>.<round>.log)
// and prints one row per figure: every round of the base and of the head, their medians,
// their spread and head over base. Plain JavaScript, run by node as it is, so it works
// whatever either commit's build layout.
// Usage: node scripts/bench-compare-table.mjs <dir> <rounds> <base label> <head label>
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, roundsArg, baseLabel, headLabel] = process.argv.slice(2);
const rounds = Number(roundsArg);
const num = (s) => Number(s);

/**
 * The figures of one run's output, by name. Each benchmark's lines as the
 * commits print them; a figure a commit does not print is left blank. The
 * broker's own CPU per GiB is derived from the per-process CPU line, which
 * both older and newer commits print.
 */
export function figures(text) {
  const out = new Map();
  const put = (name, value) => {
    if (Number.isFinite(value)) out.set(name, value);
  };
  for (const line of text.split('\n')) {
    let m;
    if ((m = /^catalogue: broker (\d+) req\/s .* vs bare (\d+) req\/s .*: ratio ([\d.]+)/.exec(line))) {
      put('catalogue broker req/s', num(m[1]));
      put('catalogue bare req/s', num(m[2]));
      put('catalogue ratio', num(m[3]));
    } else if ((m = /^sync: (\d+) images in ([\d.]+) s = (\d+) images\/s/.exec(line))) {
      put('sync seconds', num(m[2]));
      put('sync images/s', num(m[3]));
    } else if ((m = /^transfer ([\d.]+) GiB: broker (\d+) MB\/s .* vs curl (\d+) MB\/s .*: ratio ([\d.]+)/.exec(line))) {
      put(`transfer ${m[1]} GiB broker MB/s`, num(m[2]));
      put(`transfer ${m[1]} GiB curl MB/s`, num(m[3]));
      put(`transfer ${m[1]} GiB ratio`, num(m[4]));
    } else if ((m = /^transfer ([\d.]+) GiB: CPU on the broker's path api ([\d.]+) s, worker ([\d.]+) s/.exec(line))) {
      put(`transfer ${m[1]} GiB api+worker CPU s/GiB`, (num(m[2]) + num(m[3])) / num(m[1]));
    } else if ((m = /^transfer ([\d.]+) GiB: broker's own CPU .* vs hashing floor .* ([\d.]+) s\/GiB: ratio ([\d.]+)/.exec(line))) {
      put(`transfer ${m[1]} GiB hashing floor CPU s/GiB`, num(m[2]));
      put(`transfer ${m[1]} GiB CPU ratio`, num(m[3]));
    } else if ((m = /^jobs: broker ([\d.]+) sync jobs\/s vs (.*?) ([\d.]+) (no-op )?jobs\/s.*: ratio ([\d.]+)/.exec(line))) {
      put('jobs broker jobs/s', num(m[1]));
      // Older commits compared with no-op jobs: a different baseline, so a figure of its own.
      put(m[4] ? 'jobs bare no-op jobs/s' : 'jobs bare same-work jobs/s', num(m[3]));
      put(m[4] ? 'jobs ratio (no-op baseline)' : 'jobs ratio', num(m[5]));
    } else if ((m = /^replication: ([\d.]+) GiB to 3 targets: broker (\d+) MB\/s .* vs bare copy (\d+) MB\/s .*: ratio ([\d.]+)/.exec(line))) {
      put('replication broker MB/s', num(m[2]));
      put('replication bare MB/s', num(m[3]));
      put('replication ratio', num(m[4]));
    }
  }
  return out;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const fmt = (v) => (v === undefined ? '-' : Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));

function side(name) {
  const runs = [];
  for (let r = 1; r <= rounds; r++) {
    const file = join(dir, `${name}.${r}.log`);
    runs.push(existsSync(file) ? figures(readFileSync(file, 'utf8')) : new Map());
  }
  return runs;
}

const base = side('base');
const head = side('head');
const names = [];
for (const run of [...base, ...head]) for (const name of run.keys()) if (!names.includes(name)) names.push(name);

/** "median (min–max, spread ±x %)" of the rounds that printed the figure. */
function summary(runs, name) {
  const values = runs.map((run) => run.get(name)).filter((v) => v !== undefined);
  if (values.length === 0) return { text: '-', median: undefined, count: 0 };
  const m = median(values);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const spread = m === 0 ? 0 : ((hi - lo) / 2 / m) * 100;
  return {
    text: `${values.map(fmt).join(' ')} → ${fmt(m)} (±${spread.toFixed(0)} %)`,
    median: m,
    spread,
    count: values.length,
  };
}

const rows = names.map((name) => {
  const b = summary(base, name);
  const h = summary(head, name);
  const change = b.median && h.median !== undefined ? `${((h.median / b.median - 1) * 100).toFixed(0)} %` : '-';
  // Within the noise: the change is no larger than the larger of the two sides' half-ranges
  // (at least 5 %); with fewer than two rounds on a side there is no spread to judge by.
  let noise = '';
  if (b.count >= 2 && h.count >= 2 && b.median)
    noise = Math.abs(h.median / b.median - 1) * 100 <= Math.max(b.spread, h.spread, 5) ? 'within noise' : 'beyond noise';
  return [name, b.text, h.text, change, noise];
});
const header = ['figure', `base ${baseLabel} (rounds → median, ±half-range)`, `head ${headLabel}`, 'head/base', ''];
const widths = header.map((_, i) => Math.max(...[header, ...rows].map((row) => row[i].length)));
const line = (row) => row.map((cell, i) => cell.padEnd(widths[i])).join(' | ').trimEnd();
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
for (const row of rows) console.log(line(row));
console.log(
  `\n${rounds} round(s) each, base and head alternately; a figure is within noise when head/base differs by no more than the larger half-range of the two sides (at least 5 %).`,
);
