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
  if (ts.isTemplateExpression(node)) return node.head.text + node.templateSpans.map((s) => '${}' + s.literal.text).join('');
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

function writesIn(path: string, delegates: Map<string, string>, tables: Set<string>): Write[] {
  const file = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
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
      for (const table of sqlTables(text)) {
        if (!NOT_OURS.has(table) && !tables.has(table)) {
          throw new Error(`${relative(ROOT, path)} writes a table the schema does not know: ${table}`);
        }
        if (tables.has(table)) record(table, node);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return writes;
}

/** The docs' table: table name → the writers its "Written by" cells name (`EventLog.append` names EventLog). */
function documentedOwners(): Map<string, Set<string>> {
  const doc = readFileSync(join(ROOT, 'docs', 'architecture.md'), 'utf8');
  const section = doc.split(/^## Who writes each table\s*$/m)[1];
  if (section === undefined) throw new Error('docs/architecture.md has no "## Who writes each table" section');
  const rows = section
    .split('\n')
    .map((line) => line.trim())
    .filter((line, index, lines) => line.startsWith('|') && lines.slice(0, index).every((l) => !l.startsWith('#')));
  const owners = new Map<string, Set<string>>();
  let current: string | undefined;
  for (const row of rows.slice(2)) {
    const [first, second = ''] = row.split('|').slice(1).map((cell) => cell.trim());
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

describe('docs/architecture.md "Who writes each table"', () => {
  const models = schemaTables();
  const tables = new Set(models.values());
  const delegates = new Map([...models].map(([model, table]) => [model[0].toLowerCase() + model.slice(1), table]));
  const writes = sourceFiles(SRC).flatMap((path) => writesIn(path, delegates, tables));
  const owners = documentedOwners();

  it('finds writes to the tables at all (the scan itself works)', () => {
    expect(writes.length).toBeGreaterThan(20);
    expect(new Set(writes.map((w) => w.table)).size).toBeGreaterThan(5);
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
      [...writers].filter((w) => !seen.has(`${table} ${w}`) && !allowed.has(`${table} ${w}`)).map((w) => `${table}: ${w}`),
    );
    expect(stale).toEqual([]);
  });
});
