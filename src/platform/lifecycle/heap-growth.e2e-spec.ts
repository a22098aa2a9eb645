import { execFileSync } from 'node:child_process';
import { HEAP_GROWTH_FLAG } from './heap-growth';

/** The factors V8 sized the old generation with after each full collection of a small script. */
function growthFactors(setup: string): string[] {
  const script = `${setup}
    const kept = [];
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 100000; i++) kept.push({ i });
      gc();
    }`;
  const trace = execFileSync(process.execPath, ['--trace-gc-verbose', '--expose-gc', '-e', script], {
    encoding: 'utf8',
  });
  return [...trace.matchAll(/\[HeapController\] Limit: .*\((\d+\.\d+)\)/g)].map((m) => m[1]);
}

describe('fixed heap growth', () => {
  it('makes this Node’s V8 grow the old generation by exactly 2 after every full collection when set at run time', () => {
    const fixed = growthFactors(`require('node:v8').setFlagsFromString(${JSON.stringify(HEAP_GROWTH_FLAG)});`);
    expect(fixed.length).toBeGreaterThanOrEqual(3);
    expect(new Set(fixed)).toEqual(new Set(['2.0']));
    // Without it V8 picks its own factor, so the flag is what makes the difference.
    expect(growthFactors('')).not.toEqual(fixed);
  });
});
