import { NotFoundError } from '../platform/errors/app.errors';
import type { Family, Prisma } from '../platform/persistence/generated/client';

/**
 * Takes the family's row lock for the rest of the transaction: every change to
 * a family's channels and versions' states holds it, so two moves of one
 * family (or a move and a revocation) run one after the other and each sees
 * what the other committed.
 */
export async function lockFamily(tx: Prisma.TransactionClient, name: string): Promise<Family> {
  const rows = await tx.$queryRaw<Array<{ id: string }>>`SELECT id FROM families WHERE name = ${name} FOR UPDATE`;
  if (rows.length === 0) throw new NotFoundError(`No family is named '${name}'`);
  return tx.family.findUniqueOrThrow({ where: { id: rows[0].id } });
}
