import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import * as ts from 'typescript';

const REPO_ROOT = resolve(__dirname, '..', '..');

/**
 * Compiles a folder of test code that a child process runs (an alternative
 * broker entry and what it imports from that folder) into dist-tools/, beside
 * the tools build of src/: test/** stays out of both builds, the production
 * tree (dist/) must hold src/ only (test/deploy/production-build), and the
 * folder's relative imports of src/ then land on dist-tools/src, the same
 * sources as built by `npm run build:tools`. File by file,
 * without type-checking (`npm run typecheck` covers test/), as ts-jest does.
 *
 * @param folder the folder, relative to the checkout (e.g. test/e2e/extra-kind)
 * @param entry the entry file in it, without extension
 * @returns the compiled entry, relative to the checkout, for BrokerProcess's `entry`
 */
export function compileTestEntry(folder: string, entry: string): string {
  if (!existsSync(join(REPO_ROOT, 'dist-tools', 'src', 'main.js'))) {
    throw new Error('dist-tools/src is missing: run npm run build:all before the e2e specs');
  }
  const config = ts.readConfigFile(join(REPO_ROOT, 'tsconfig.json'), (path) => ts.sys.readFile(path));
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, REPO_ROOT);
  for (const file of typescriptFiles(join(REPO_ROOT, folder))) {
    const source = ts.sys.readFile(file) ?? '';
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { ...options, sourceMap: false },
      fileName: file,
    });
    const out = join(REPO_ROOT, 'dist-tools', relative(REPO_ROOT, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, outputText);
  }
  return join('dist-tools', folder, `${entry}.js`);
}

function typescriptFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return typescriptFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}
