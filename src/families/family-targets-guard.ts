import { ConflictError } from '../platform/errors/app.errors';
import type { Family, FamilyTarget, Prisma } from '../platform/persistence/generated/client';

/**
 * 409 when the family's targets are no longer those a request checked (another
 * PATCH committed in between): its checks and plans would be about targets the
 * family no longer has. Called under the family's lock, so none change after.
 */
export async function refuseChangedTargets(
  tx: Prisma.TransactionClient,
  family: Pick<Family, 'id' | 'name'>,
  checked: readonly Pick<FamilyTarget, 'providerName' | 'region'>[],
): Promise<void> {
  const now = await tx.familyTarget.findMany({ where: { familyId: family.id } });
  const key = (t: Pick<FamilyTarget, 'providerName' | 'region'>) => `${t.providerName}\u0000${t.region}`;
  const same = now.length === checked.length && now.every((t) => checked.some((c) => key(c) === key(t)));
  if (!same) {
    throw new ConflictError(`Family '${family.name}' had its targets changed by another request meanwhile; try again`);
  }
}
