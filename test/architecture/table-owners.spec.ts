import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import * as ts from 'typescript';

/**
 * Keeps docs/architecture.md's "Who writes each table" true: state has one owner (or a small, named set), and the
 * table says who. The source is parsed (not type-checked, so this stays fast) and every write to a table is found:
 *   - Prisma model writes, `<x>.<delegate>.create|update|upsert|delete…(…)`, where <delegate> is a model of
 *     prisma/schema.prisma in camelCase. Nested writes (`create: {…}` inside another model's write) are not seen:
 *     they write a related row through its parent's owner, and the parent's owner is named for the parent's table.
 *   - raw SQL in any string or template literal (the ones given to `$executeRaw*`/`$queryRaw*`, and the pieces built
 *     into such SQL): `INSERT INTO t`, `UPDATE t … SET`, `DELETE FROM t`, case-insensitive, quoted or not.
 * A write belongs to the class declaration around it. Outside a class, it belongs to the exported top-level function
 * it sits in; a module-private helper can only be called from its own file, so it belongs to the file's one class
 * (or, if the file has none or several, to the file's name).
 */

const ROOT = resolve(__dirname, '..', '..');
const SRC = join(ROOT, 'src');

const WRITE_METHODS = new Set([
  'create',
  'createMany',
  'createManyAndReturn',
  'update',
  'updateMany',
  'updateManyAndReturn',
  'upsert',
  'delete',
  'deleteMany',
]);

/** Tables the SQL writes that are not the application's: nobody in docs/architecture.md owns them. */
const NOT_OURS = new Map([['_prisma_migrations', "Prisma's migration ledger, filled by DatabaseBootstrap at start"]]);

/**
 * Writers the docs name for a table although the scan cannot see them write it. Keep this short: if a class writes
 * only through a helper, name the helper in the docs instead. Each entry says how the write is reached.
 */
const UNSEEN_WRITERS: { table: string; writer: string; why: string }[] = [];

interface Write {
  table: string;
  writer: string;
  at: string;
}

function sourceFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .filter((file) => !/\.(spec|medium-spec|e2e-spec)\.ts$/.test(file))
    .filter((file) => !file.split(/[\\/]/).includes('generated'))
    .map((file) => join(dir, file));
}

/** Model name → table name, from the schema's `model X { … @@map("x") }` (a model without @@map keeps its name). */
function schemaTables(): Map<string, string> {
  const schema = readFileSync(join(ROOT, 'prisma', 'schema.prisma'), 'utf8');
  const tables = new Map<string, string>();
  for (const model of schema.matchAll(/^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm)) {
    const mapped = /@@map\(\s*"([^"]+)"\s*\)/.exec(model[2]);
    tables.set(model[1], mapped ? mapped[1] : model[1]);
  }
  return tables;
}

const SQL_WRITES = [
  /\bINSERT\s+INTO\s+"?(\w+)"?/gi,
  /\bUPDATE\s+(?:ONLY\s+)?"?(\w+)"?(?:\s+(?:AS\s+)?\w+)?\s+SET\b/gi,
  /\bDELETE\s+FROM\s+(?:ONLY\s+)?"?(\w+)"?/gi,
];

function sqlTables(text: string): string[] {
  return SQL_WRITES.flatMap((pattern) => [...text.matchAll(pattern)].map((match) => match[1].toLowerCase()));
}

/** The literal text of a string or template, with each interpolation as `${}` (a table named there is not seen). */
function literalText(node: ts.Node): string | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node))
    return node.head.text + node.templateSpans.map((s) => '${}' + s.literal.text).join('');
  return undefined;
}

function isExported(node: ts.Node): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

function writerOf(node: ts.Node, file: ts.SourceFile, classes: string[]): string {
  let topLevel: ts.Node = node;
  for (let at: ts.Node | undefined = node; at && !ts.isSourceFile(at); at = at.parent) {
    if ((ts.isClassDeclaration(at) || ts.isClassExpression(at)) && at.name) return at.name.text;
    topLevel = at;
  }
  if (isExported(topLevel)) {
    if (ts.isFunctionDeclaration(topLevel) && topLevel.name) return topLevel.name.text;
    if (ts.isVariableStatement(topLevel)) {
      const [declaration] = topLevel.declarationList.declarations;
      if (ts.isIdentifier(declaration.name)) return declaration.name.text;
    }
  }
  return classes.length === 1 ? classes[0] : basename(file.fileName, '.ts');
}

/** The writes in one file's text; a table the schema does not know is recorded as written all the same. */
function writesIn(path: string, source: string, delegates: Map<string, string>): Write[] {
  const file = ts.createSourceFile(path, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const classes = file.statements.filter(ts.isClassDeclaration).flatMap((c) => (c.name ? [c.name.text] : []));
  const writes: Write[] = [];
  const record = (table: string, node: ts.Node) => {
    const line = file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
    writes.push({ table, writer: writerOf(node, file, classes), at: `${relative(ROOT, path)}:${line}` });
  };
  const visit = (node: ts.Node): void => {
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      WRITE_METHODS.has(node.expression.name.text) &&
      ts.isPropertyAccessExpression(node.expression.expression)
    ) {
      const table = delegates.get(node.expression.expression.name.text);
      if (table) record(table, node);
    }
    const text = literalText(node);
    if (text !== undefined) {
      for (const table of sqlTables(text)) record(table, node);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return writes;
}

/** The docs' table: table name → the writers its "Written by" cells name (`EventLog.append` names EventLog). */
function documentedOwners(doc: string): Map<string, Set<string>> {
  const section = doc.split(/^## Who writes each table\s*$/m)[1];
  if (section === undefined) throw new Error('docs/architecture.md has no "## Who writes each table" section');
  const rows = section
    .split('\n')
    .map((line) => line.trim())
    .filter((line, index, lines) => line.startsWith('|') && lines.slice(0, index).every((l) => !l.startsWith('#')));
  const owners = new Map<string, Set<string>>();
  let current: string | undefined;
  for (const row of rows.slice(2)) {
    const [first, second = ''] = row
      .split('|')
      .slice(1)
      .map((cell) => cell.trim());
    const named = /^`(\w+)`$/.exec(first);
    if (named) current = named[1];
    else if (first !== '') throw new Error(`a row of "Who writes each table" names no table in backticks: ${row}`);
    if (current === undefined) throw new Error(`the first row of "Who writes each table" names no table: ${row}`);
    const writers = owners.get(current) ?? new Set<string>();
    for (const token of second.matchAll(/`([A-Za-z_$][\w$]*)[^`]*`/g)) writers.add(token[1]);
    owners.set(current, writers);
  }
  return owners;
}

function delegatesOf(models: Map<string, string>): Map<string, string> {
  return new Map([...models].map(([model, table]) => [model[0].toLowerCase() + model.slice(1), table]));
}

describe('the table-writes scan', () => {
  const delegates = delegatesOf(
    new Map([
      ['Job', 'jobs'],
      ['FamilyVersion', 'family_versions'],
      ['Placement', 'placements'],
    ]),
  );
  const scan = (source: string) => writesIn(join(SRC, 'x', 'thing.ts'), source, delegates);

  it('attributes a Prisma write to the class around it, not a read or a nested write', () => {
    const writes = scan(`
      export class VersionThing {
        async run(tx: Tx) {
          await tx.familyVersion.findUnique({ where: { id } });
          await this.prisma.job.updateMany({ where: {}, data: {} });
          await tx.familyVersion.create({ data: { placements: { create: [{ providerName: 'a' }] } } });
          await this.cache.delete('k');
        }
      }`);
    expect(writes.map((w) => [w.table, w.writer, w.at])).toEqual([
      ['jobs', 'VersionThing', 'src/x/thing.ts:5'],
      ['family_versions', 'VersionThing', 'src/x/thing.ts:6'],
    ]);
  });

  it('finds raw SQL writes in any case, quoted, aliased, or in a template built elsewhere', () => {
    const writes = scan(`
      export class Sweeper {
        run(tx: Tx) {
          return tx.$executeRaw\`update "jobs" j
            set state = 'queued' WHERE j.id = \${id}\`;
        }
      }
      function helper(columns: string[]) {
        return \`INSERT INTO placements (\${columns.join(',')}) VALUES (1)\`;
      }
      export function purge(): string {
        return 'DELETE FROM ONLY family_versions WHERE false';
      }`);
    expect(writes.map((w) => [w.table, w.writer])).toEqual([
      ['jobs', 'Sweeper'],
      ['placements', 'Sweeper'],
      ['family_versions', 'purge'],
    ]);
  });

  it('reads the docs table, a row without a table continuing the one above', () => {
    const owners = documentedOwners(
      [
        '## Who writes each table',
        '',
        '| Table | Written by | What |',
        '| --- | --- | --- |',
        '| `jobs` | `JobService` (jobs) | creation |',
        '| | `JobRunRecorder`; `EventLog.append` | a run |',
        "| `placements` | `PlacementStore`, always in its caller's transaction | `PlacementPlanner` starts it |",
        '',
        '## Next',
        '| `not_this` | `Nobody` | |',
      ].join('\n'),
    );
    expect([...owners].map(([table, writers]) => [table, [...writers]])).toEqual([
      ['jobs', ['JobService', 'JobRunRecorder', 'EventLog']],
      ['placements', ['PlacementStore']],
    ]);
  });
});

describe('docs/architecture.md "Who writes each table"', () => {
  const models = schemaTables();
  const tables = new Set(models.values());
  const found = sourceFiles(SRC).flatMap((path) => writesIn(path, readFileSync(path, 'utf8'), delegatesOf(models)));
  const writes = found.filter((w) => tables.has(w.table));
  const owners = documentedOwners(readFileSync(join(ROOT, 'docs', 'architecture.md'), 'utf8'));

  it('finds writes to the tables at all (the scan itself works)', () => {
    expect(writes.length).toBeGreaterThan(20);
    expect(new Set(writes.map((w) => w.table)).size).toBeGreaterThan(5);
  });

  it("finds SQL writing no table but those of the Prisma schema (and Prisma's own ledger)", () => {
    const unknown = found.filter((w) => !tables.has(w.table) && !NOT_OURS.has(w.table));
    expect(unknown.map((w) => `${w.table} at ${w.at}`)).toEqual([]);
  });

  it('has a row for every table of the Prisma schema, and none for a table the schema lacks', () => {
    expect([...tables].filter((table) => !owners.has(table)).sort()).toEqual([]);
    expect([...owners.keys()].filter((table) => !tables.has(table)).sort()).toEqual([]);
  });

  it('names every class that writes a table in that table\'s "Written by" cell', () => {
    const missing = writes
      .filter((w) => !owners.get(w.table)?.has(w.writer))
      .map((w) => `${w.table} written by ${w.writer} at ${w.at}`);
    if (missing.length > 0) throw new Error(`writers the docs do not name:\n  ${missing.join('\n  ')}`);
  });

  it('names no stale owner: every writer named for a table writes it somewhere', () => {
    const seen = new Set(writes.map((w) => `${w.table} ${w.writer}`));
    const allowed = new Set(UNSEEN_WRITERS.map((u) => `${u.table} ${u.writer}`));
    const stale = [...owners].flatMap(([table, writers]) =>
      [...writers]
        .filter((w) => !seen.has(`${table} ${w}`) && !allowed.has(`${table} ${w}`))
        .map((w) => `${table}: ${w}`),
    );
    expect(stale).toEqual([]);
  });
});
