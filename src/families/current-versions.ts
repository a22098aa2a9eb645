import type { Family, FamilyVersion, Prisma } from '../platform/persistence/generated/client';

/**
 * A family's current versions, the ones a new target gets placed: those some
 * channel points at; when the family has no channel yet, its newest active
 * version (none when it has no version).
 */
export async function currentVersions(db: Prisma.TransactionClient, family: Family): Promise<FamilyVersion[]> {
  const channels = await db.familyChannel.findMany({ where: { familyId: family.id }, select: { version: true } });
  if (channels.length > 0) {
    return db.familyVersion.findMany({
      where: { familyId: family.id, version: { in: [...new Set(channels.map((c) => c.version))] } },
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
    });
  }
  const newest = await db.familyVersion.findFirst({
    where: { familyId: family.id, state: 'active' },
    orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
  });
  return newest ? [newest] : [];
}
