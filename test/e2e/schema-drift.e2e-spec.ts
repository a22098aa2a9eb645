import { join, resolve } from 'node:path';
import type { Client } from 'pg';
import { bootstrapDatabase } from '../../src/platform/persistence/database-bootstrap';
import { connectDatabase, dropDatabase, isolatedNames } from '../../harness/isolated-resources';
import { readPrismaSchema, type SchemaColumn } from '../support/prisma-schema-reader';

const schema = readPrismaSchema(join(resolve(__dirname, '../..'), 'prisma/schema.prisma'));
const enumNames = new Set(schema.enums.map((e) => e.name));

function expectedType(c: SchemaColumn): { udt: string } {
  const unsupported = /^Unsupported\("(\w+)"\)$/.exec(c.prismaType);
  if (unsupported) return { udt: unsupported[1] };
  if (enumNames.has(c.prismaType)) return { udt: c.list ? `_${c.prismaType}` : c.prismaType };
  const base: Record<string, string> = {
    String: c.dbType === 'Uuid' ? 'uuid' : 'text',
    Int: 'int4',
    BigInt: 'int8',
    Boolean: 'bool',
    DateTime: c.dbType === 'Timestamptz' ? 'timestamptz' : 'timestamp',
    Json: 'jsonb',
    Bytes: 'bytea',
  };
  const udt = base[c.prismaType];
  if (!udt) throw new Error(`no mapping for ${c.prismaType}`);
  return { udt: c.list ? `_${udt}` : udt };
}

describe('prisma/migrations and prisma/schema.prisma', () => {
  const names = isolatedNames('drift');
  let db: Client;

  beforeAll(async () => {
    await bootstrapDatabase(names.databaseUrl);
    db = await connectDatabase(names.databaseUrl);
  });
  afterAll(async () => {
    await db?.end();
    await dropDatabase(names.database);
  });

  it('applies every migration once, even when asked twice', async () => {
    const again = await bootstrapDatabase(names.databaseUrl);
    expect(again).toEqual({ created: false, applied: [] });
  });

  it.each(schema.models.map((m) => [m.table, m] as const))(
    'gives table %s exactly the columns of the schema',
    async (table, model) => {
      const { rows } = await db.query<{ column_name: string; udt_name: string; is_nullable: string }>(
        `SELECT column_name, udt_name, is_nullable FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1`,
        [table],
      );
      const actual = Object.fromEntries(
        rows.map((r) => [r.column_name, { udt: r.udt_name, nullable: r.is_nullable === 'YES' }]),
      );
      const expected = Object.fromEntries(
        model.columns.map((c) => [c.column, { udt: expectedType(c).udt, nullable: c.nullable || c.list }]),
      );
      expect(actual).toEqual(expected);
    },
  );

  it.each(schema.models.map((m) => [m.table, m] as const))(
    'gives table %s the unique keys and indexes of the schema',
    async (table, model) => {
      const { rows } = await db.query<{ indexdef: string }>(
        `SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = $1`,
        [table],
      );
      const keyOf = (def: string) =>
        (/\(([^)]+)\)/.exec(def)?.[1] ?? '').split(',').map((c) => c.trim().replace(/"/g, ''));
      const uniqueKeys = rows
        .filter((r) => /UNIQUE/.test(r.indexdef) && !/WHERE/.test(r.indexdef))
        .map((r) => keyOf(r.indexdef).join(','));
      const allKeys = rows.map((r) => keyOf(r.indexdef).join(','));
      for (const unique of model.uniques) expect(uniqueKeys).toContain(unique.join(','));
      for (const index of model.indexes) expect(allKeys).toContain(index.join(','));
    },
  );

  it.each(schema.enums.map((e) => [e.name, e] as const))('gives enum %s the values of the schema', async (name, e) => {
    const { rows } = await db.query<{ enumlabel: string }>(
      `SELECT enumlabel FROM pg_enum JOIN pg_type ON pg_type.oid = enumtypid WHERE typname = $1 ORDER BY enumsortorder`,
      [name],
    );
    expect(rows.map((r) => r.enumlabel)).toEqual(e.values);
  });
});
