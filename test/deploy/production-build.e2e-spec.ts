import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { repoRoot } from './env-names';

/**
 * The production tree `npm run build` (nest build, tsconfig.build.json) writes to dist/, which the
 * Dockerfile copies into the image and `npm start` runs: production code only. Emulators, the
 * emulator kit, the sandbox, benchmarks, scripts, the test harness, test helpers and specs build
 * into dist-tools/ (`npm run build:tools`) instead. `npm test` builds both first (pretest).
 */
const DIST = join(repoRoot, 'dist');
const ENTRY_POINTS = ['src/main.js', 'src/migrate.js'];

/** What must never be in the production tree, as paths relative to dist/ (with "/"). */
const TOOLS = [
  { what: 'an emulator', pattern: /(^|\/)emulator\// },
  { what: 'the emulator kit', pattern: /^src\/providers\/emulator-kit\// },
  { what: 'a test helper', pattern: /(^|\/)testing\// },
  {
    what: 'the sandbox, a benchmark, a script, the harness or a test',
    pattern: /^(sandbox|bench|scripts|harness|test)\//,
  },
  { what: 'a spec', pattern: /\.(spec|e2e-spec|medium-spec)\.(js|d\.ts|js\.map)$/ },
];

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(DIST, join(entry.parentPath, entry.name)).split(sep).join('/'));
}

function toolsIn(paths: string[]): string[] {
  return paths.flatMap((path) => TOOLS.filter((t) => t.pattern.test(path)).map((t) => `${path} (${t.what})`));
}

/** Every file `node dist/src/main.js` and `node dist/src/migrate.js` can require, following static requires. */
function requireGraph(): { files: string[]; packages: Set<string>; unresolved: string[] } {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const unresolved: string[] = [];
  const queue = ENTRY_POINTS.map((entry) => join(DIST, entry));
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(/\brequire\("([^"]+)"\)/g)) {
      if (!specifier.startsWith('.')) {
        packages.add(specifier);
        continue;
      }
      const base = resolve(dirname(file), specifier);
      const target = [base, `${base}.js`, join(base, 'index.js')].find((p) => existsSync(p) && statSync(p).isFile());
      if (!target) unresolved.push(`${relative(DIST, file)} -> ${specifier}`);
      else if (target.endsWith('.js')) queue.push(target);
    }
  }
  return { files: [...seen].map((f) => relative(DIST, f).split(sep).join('/')), packages, unresolved };
}

describe('the production build (dist/)', () => {
  beforeAll(() => {
    if (!existsSync(join(DIST, 'src', 'main.js')))
      throw new Error('dist/src/main.js is missing: run `npm run build` first');
  });

  it('holds the compiled src/ only: no emulator, emulator kit, sandbox, benchmark, script, harness, test helper or spec', () => {
    expect(readdirSync(DIST)).toEqual(['src']);
    const files = filesUnder(DIST);
    expect(files).toContain('src/main.js');
    expect(files).toContain('src/migrate.js');
    expect(toolsIn(files)).toEqual([]);
  });

  it('leaves the tools to dist-tools/, which `npm run build:tools` writes', () => {
    // Proves the patterns above match what the tools tree really holds, so the check cannot pass vacuously.
    const toolsTree = join(repoRoot, 'dist-tools');
    if (!existsSync(toolsTree)) return; // only `npm run build` ran
    const tools = readdirSync(toolsTree, { withFileTypes: true, recursive: true })
      .filter((entry) => entry.isFile())
      .map((entry) => relative(toolsTree, join(entry.parentPath, entry.name)).split(sep).join('/'));
    for (const expected of [
      'sandbox/dev.js',
      'bench/run.js',
      'scripts/write-openapi.js',
      'harness/broker-process.js',
    ]) {
      expect(tools).toContain(expected);
    }
    expect(tools.some((path) => /\/emulator\/sandbox\.js$/.test(path))).toBe(true);
    expect(toolsIn(tools).length).toBeGreaterThan(0);
  });

  it('lets main.js and migrate.js require production modules and production dependencies only', () => {
    const graph = requireGraph();
    expect(graph.unresolved).toEqual([]);
    expect(graph.files).toEqual(expect.arrayContaining(ENTRY_POINTS));
    expect(graph.files.filter((file) => !file.startsWith('src/'))).toEqual([]);
    expect(toolsIn(graph.files)).toEqual([]);

    // `npm prune --omit=dev` runs before the image is assembled: every package reached must be a dependency.
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const builtins = new Set(builtinModules);
    const packageName = (specifier: string): string =>
      specifier
        .split('/')
        .slice(0, specifier.startsWith('@') ? 2 : 1)
        .join('/');
    const notDependencies = [...graph.packages]
      .filter((specifier) => !specifier.startsWith('node:') && !builtins.has(specifier))
      .map(packageName)
      .filter((name) => !(name in manifest.dependencies));
    expect([...new Set(notDependencies)]).toEqual([]);
  });

  it('loads the whole application and every provider kind without touching a tools module', () => {
    // Every kind's definition loads its sandbox lazily, by path, only when the sandbox asks
    // (src/providers/port/kind-sandbox.ts): loading the kinds must not load an emulator.
    const script = `
      require('reflect-metadata');
      require(${JSON.stringify(join(DIST, 'src/app/http-app.factory.js'))});
      const { PROVIDER_KINDS } = require(${JSON.stringify(join(DIST, 'src/providers/kinds/provider-kinds.js'))});
      process.stdout.write(JSON.stringify({ kinds: PROVIDER_KINDS.length, loaded: Object.keys(require.cache) }));
    `;
    const run = spawnSync(process.execPath, ['-e', script], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '' },
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const { kinds, loaded } = JSON.parse(run.stdout) as { kinds: number; loaded: string[] };
    expect(kinds).toBeGreaterThan(0);
    const ownFiles = loaded.filter((file) => !file.includes(`${sep}node_modules${sep}`));
    expect(ownFiles.filter((file) => !file.startsWith(DIST + sep))).toEqual([]);
    expect(toolsIn(ownFiles.map((file) => relative(DIST, file).split(sep).join('/')))).toEqual([]);
  });

  it('has no emulator folder beside any kind: in production a kind sandbox has nothing to load', () => {
    for (const kind of readdirSync(join(DIST, 'src/providers/kinds'))) {
      expect(existsSync(join(DIST, 'src/providers/kinds', kind, 'emulator'))).toBe(false);
    }
  });
});
