import { catalogueBenchmark } from './catalogue.bench';
import { cliBenchmark } from './cli.bench';
import { placementBenchmark, resolveBenchmark } from './families.bench';
import { jobsBenchmark } from './jobs.bench';
import { replicationBenchmark } from './replication.bench';
import { syncBenchmark } from './sync.bench';
import { transferBenchmark } from './transfer.bench';

/** `npm run bench`: every benchmark in turn; each ends with its figure and ratio on one line. */
const BENCHMARKS: Array<[string, () => Promise<string>]> = [
  ['catalogue', catalogueBenchmark],
  ['sync', syncBenchmark],
  ['transfer', transferBenchmark],
  ['jobs', jobsBenchmark],
  ['replication', replicationBenchmark],
  // Issue 15's two figures under one name: resolve under load, and publish-to-active time.
  ['resolve', async () => `${await resolveBenchmark()}\n${await placementBenchmark()}`],
  ['cli', cliBenchmark],
];

async function main(): Promise<void> {
  const only = process.argv[2];
  for (const [name, run] of BENCHMARKS) {
    if (only && only !== name) continue;
    console.log(`\n== ${name}`);
    console.log(await run());
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
