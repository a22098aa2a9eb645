import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const DEPCRUISE = join(ROOT, 'node_modules', '.bin', 'depcruise');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');

/** dependency-cruiser is ESM-only and Jest runs CommonJS here, so its CLI is run as a child process. */
function cruise(cwd: string, extra: string[] = [], roots = ['src']): { status: number | null; output: string } {
  const run = spawnSync(DEPCRUISE, [...roots, '--config', CONFIG, '--output-type', 'err', ...extra], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'arrows-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'commonjs' } }));
  return dir;
}

describe('the arrows between the folders of src/', () => {
  it('holds for the whole source tree and the SDK: no cycle, and every import points the allowed way', () => {
    const { status, output } = cruise(ROOT, [], ['src', 'packages/sdk/src']);
    if (status !== 0) throw new Error(`dependency rules broken:\n${output}`);
    expect(output).toMatch(/no dependency violations found/);
  });

  it('refuses an import from the platform up into a capability', () => {
    const dir = tree({
      'src/platform/clock.ts':
        "import { catalogueName } from '../catalogue/name';\nexport const now = catalogueName;\n",
      'src/catalogue/name.ts': "export const catalogueName = 'catalogue';\n",
    });
    try {
      const { status, output } = cruise(dir);
      expect(status).not.toBe(0);
      expect(output).toContain('platform-is-the-floor');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an import from the SDK into the broker', () => {
    const dir = tree({
      'packages/sdk/src/client.ts': "import { now } from '../../../src/platform/clock';\nexport const at = now;\n",
      'src/platform/clock.ts': 'export const now = 1;\n',
    });
    try {
      const { status, output } = cruise(dir, [], ['src', 'packages/sdk/src']);
      expect(status).not.toBe(0);
      expect(output).toContain('the-sdk-is-a-client');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a cycle between two capability folders', () => {
    const dir = tree({
      'src/uploads/a.ts': "import { b } from '../replication/b';\nexport const a = () => b;\n",
      'src/replication/b.ts': "import { a } from '../uploads/a';\nexport const b = () => a;\n",
    });
    try {
      const { status, output } = cruise(dir);
      expect(status).not.toBe(0);
      expect(output).toContain('no-folder-cycles');
      expect(output).toContain('uploads-below-replication');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses production code that imports an emulator', () => {
    const dir = tree({
      'src/catalogue/list.ts':
        "import { seed } from '../providers/kinds/x/emulator/seed';\nexport const list = seed;\n",
      'src/providers/kinds/x/emulator/seed.ts': 'export const seed = 1;\n',
    });
    try {
      const { status, output } = cruise(dir);
      expect(status).not.toBe(0);
      expect(output).toContain('production-code-holds-no-emulator');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('global modules', () => {
  it('are platform modules only: a capability module says what it imports', () => {
    const files = (readdirSync(join(ROOT, 'src'), { recursive: true }) as string[])
      .filter((file) => file.endsWith('.ts') && !file.includes('generated'))
      .filter((file) => /@Global\(\)/.test(readFileSync(join(ROOT, 'src', file), 'utf8')));
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter((file) => !file.startsWith('platform/'))).toEqual([]);
  });
});
