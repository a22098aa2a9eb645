import type { Prisma } from '../../platform/persistence/generated/client';
import type { TargetStanding } from '../families.errors';
import { placementStatus } from '../family-version.reader';

/**
 * How a version stands on each current target of its family: its placement's
 * status there (`placing` while the placement's job runs), or `not placed`.
 * Targets in the family's order.
 */
export async function standingOnTargets(
  tx: Prisma.TransactionClient,
  familyId: string,
  versionId: string,
): Promise<TargetStanding[]> {
  const targets = await tx.familyTarget.findMany({
    where: { familyId },
    orderBy: [{ position: 'asc' }, { createdAt: 'asc' }],
  });
  const placements = await tx.placement.findMany({ where: { versionId } });
  const jobIds = placements.map((p) => p.jobId).filter((id): id is string => id !== null);
  const jobs = jobIds.length > 0 ? await tx.job.findMany({ where: { id: { in: jobIds } } }) : [];
  const jobById = new Map(jobs.map((j) => [j.id, j]));
  return targets.map((target) => {
    const placement = placements.find((p) => p.providerName === target.providerName && p.region === target.region);
    return {
      provider: target.providerName,
      region: target.region === '' ? null : target.region,
      status: placement
        ? placementStatus(placement, placement.jobId ? jobById.get(placement.jobId) : undefined)
        : 'not placed',
    };
  });
}

export function describeTarget(standing: TargetStanding): string {
  return `${standing.provider}${standing.region ? `/${standing.region}` : ''} (${standing.status})`;
}
