import { PrismaPg } from '@prisma/adapter-pg';
import { randomUUID } from 'node:crypto';
import { dropDatabase, isolatedNames } from '../../../harness/isolated-resources';
import type { BrokerEvent } from '../../platform/events/event-types';
import { bootstrapDatabase } from '../../platform/persistence/database-bootstrap';
import { PrismaClient, type Prisma } from '../../platform/persistence/generated/client';
import { VersionStates } from './version-states';

describe('VersionStates carrying out scheduled changes', () => {
  const names = isolatedNames('version-state');
  let db: PrismaClient;
  let writer: VersionStates;
  let bumps = 0;

  beforeAll(async () => {
    await bootstrapDatabase(names.databaseUrl);
    db = new PrismaClient({ adapter: new PrismaPg({ connectionString: names.databaseUrl, max: 8 }) });
    const events = {
      append: (tx: Prisma.TransactionClient, list: readonly BrokerEvent[]) =>
        tx.event
          .createMany({ data: list.map((e) => ({ ...e, data: e.data as Prisma.InputJsonValue })) })
          .then(() => undefined),
    };
    writer = new VersionStates(db, events, async () => void (bumps += 1));
  });
  afterAll(async () => {
    await db?.$disconnect();
    await dropDatabase(names.database);
  });

  async function scheduled(family: string, state: 'revoked' | 'deprecated', at: Date): Promise<string> {
    const { id: familyId } = await db.family.create({ data: { name: family } });
    const version = await db.familyVersion.create({
      data: { familyId, version: '1', sha256: randomUUID(), scheduledState: state, scheduledAt: at },
    });
    return version.id;
  }

  it('carries out a due change once however many workers fire it at the same moment', async () => {
    const id = await scheduled('raced', 'revoked', new Date(Date.now() - 1_000));
    bumps = 0;
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => writer.applyDue(id)));
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    expect(bumps).toBe(1);
    const row = await db.familyVersion.findUniqueOrThrow({ where: { id } });
    expect([row.state, row.scheduledState, row.scheduledAt]).toEqual(['revoked', null, null]);
    const events = await db.event.findMany({ where: { orderingKey: 'raced' } });
    expect(events.map((e) => [e.type, e.subject])).toEqual([['version.revoked', 'families/raced/versions/1']]);
    expect(await writer.applyDue(id)).toBe(false);
  });

  it('leaves a change that is not due yet, and the sweep finds only the due ones', async () => {
    const later = await scheduled('later', 'deprecated', new Date(Date.now() + 60_000));
    const due = await scheduled('due', 'deprecated', new Date(Date.now() - 60_000));
    expect(await writer.applyDue(later)).toBe(false);
    expect((await db.familyVersion.findUniqueOrThrow({ where: { id: later } })).state).toBe('active');
    expect(await writer.dueVersionIds()).toEqual([due]);
    expect(await writer.msUntilDue(later)).toBeGreaterThan(50_000);
  });
});
