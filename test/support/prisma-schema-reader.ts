import { readFileSync } from 'node:fs';

/**
 * A small reader of prisma/schema.prisma: enough to compare the schema with a
 * migrated database (models, scalar fields, enums, unique and index keys).
 * Prisma's own `migrate diff` needs its native schema engine, which cannot be
 * installed here; this keeps the drift check runnable everywhere.
 */
export interface SchemaColumn {
  column: string;
  prismaType: string;
  nullable: boolean;
  list: boolean;
  dbType?: string;
}
export interface SchemaModel {
  table: string;
  columns: SchemaColumn[];
  uniques: string[][];
  indexes: string[][];
}
export interface SchemaEnum {
  name: string;
  values: string[];
}

export function readPrismaSchema(path: string): { models: SchemaModel[]; enums: SchemaEnum[] } {
  const text = readFileSync(path, 'utf8').replace(/\/\/.*$/gm, '');
  const enums: SchemaEnum[] = [];
  for (const m of text.matchAll(/^enum\s+(\w+)\s*\{([\s\S]*?)^\}/gm)) {
    const values = m[2]
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .map((l) => /@map\("([^"]+)"\)/.exec(l)?.[1] ?? l.split(/\s+/)[0]);
    enums.push({ name: m[1], values });
  }
  const modelNames = new Set([...text.matchAll(/model\s+(\w+)\s*\{/g)].map((m) => m[1]));
  const models: SchemaModel[] = [];
  for (const m of text.matchAll(/^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm)) {
    const lines = m[2]
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    const table = lines.map((l) => /^@@map\("([^"]+)"\)/.exec(l)?.[1]).find(Boolean) ?? m[1];
    const columnOf = new Map<string, string>();
    const columns: SchemaColumn[] = [];
    const uniques: string[][] = [];
    const indexes: string[][] = [];
    for (const line of lines.filter((l) => !l.startsWith('@@'))) {
      const [field, rawType] = line.split(/\s+/);
      const baseType = rawType.replace(/[?[\]]/g, '');
      if (modelNames.has(baseType)) continue;
      const column = /@map\("([^"]+)"\)/.exec(line)?.[1] ?? field;
      columnOf.set(field, column);
      columns.push({
        column,
        prismaType: baseType,
        nullable: rawType.endsWith('?'),
        list: rawType.endsWith('[]'),
        dbType: /@db\.(\w+)/.exec(line)?.[1],
      });
      if (/@unique\b/.test(line)) uniques.push([column]);
      if (/@id\b/.test(line)) uniques.push([column]);
    }
    for (const line of lines.filter((l) => l.startsWith('@@'))) {
      const fields = /^@@(unique|index)\(\[([^\]]+)\]/.exec(line);
      if (!fields) continue;
      const cols = fields[2].split(',').map((f) => columnOf.get(f.trim()) ?? f.trim());
      (fields[1] === 'unique' ? uniques : indexes).push(cols);
    }
    models.push({ table, columns, uniques, indexes });
  }
  return { models, enums };
}
