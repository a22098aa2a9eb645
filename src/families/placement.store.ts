import { Injectable } from '@nestjs/common';
import type { Placement, PlacementStatus, Prisma } from '../platform/persistence/generated/client';

/** Where a placement's copy comes from: a replication target and its job, or the version's own image. */
export type PlacementStart =
  { kind: 'placing'; replicationTargetId: string; jobId: string } | { kind: 'holds-source'; imageId: string };

/**
 * The one writer of `placements`. Every write takes the caller's transaction:
 * a placement changes together with what caused it (a publish, a job's end, a
 * target's removal, a retry), and with the event that records it.
 */
/** The statuses in which a placement waits for its job's end. */
const WAITING_FOR_A_JOB: PlacementStatus[] = ['pending', 'placing', 'failed'];

@Injectable()
export class PlacementStore {
  /**
   * The version's placement on a target, placing (or active at once when the
   * target holds the version's image itself). A placement left `removed` by an
   * earlier removal of the target starts again.
   */
  async start(
    tx: Prisma.TransactionClient,
    versionId: string,
    target: { provider: string; region: string },
    start: PlacementStart,
  ): Promise<Placement> {
    const data =
      start.kind === 'placing'
        ? {
            status: 'pending' as const,
            imageId: null,
            replicationTargetId: start.replicationTargetId,
            jobId: start.jobId,
          }
        : { status: 'active' as const, imageId: start.imageId, replicationTargetId: null, jobId: null };
    return tx.placement.upsert({
      where: { versionId_providerName_region: { versionId, providerName: target.provider, region: target.region } },
      create: { versionId, providerName: target.provider, region: target.region, ...data },
      update: { ...data, errorCode: null, errorMessage: null },
    });
  }

  /** The row, locked until the caller's transaction ends: one retry or repair at a time. */
  async lock(tx: Prisma.TransactionClient, placementId: string): Promise<Placement | null> {
    const [row] = await tx.$queryRaw<Array<{ id: string }>>`
      SELECT id FROM placements WHERE id = ${placementId}::uuid FOR UPDATE`;
    return row ? tx.placement.findUnique({ where: { id: placementId } }) : null;
  }

  /** Placing again: a new job (and maybe a new replication target); the last error is kept until it ends. */
  async replacing(
    tx: Prisma.TransactionClient,
    placementId: string,
    replicationTargetId: string,
    jobId: string,
  ): Promise<Placement> {
    return tx.placement.update({ where: { id: placementId }, data: { status: 'pending', replicationTargetId, jobId } });
  }

  /**
   * The placing job succeeded: the copy is `imageId`. Null when the placement
   * is no longer waiting for a job (removed with its target, deleted with its
   * family, since the caller read it): a transition applies only from the
   * status it expects, so a concurrent removal is never undone.
   */
  async activate(
    tx: Prisma.TransactionClient,
    placementId: string,
    imageId: string | null,
    jobId: string,
  ): Promise<Placement | null> {
    const [placed] = await tx.placement.updateManyAndReturn({
      where: { id: placementId, status: { in: WAITING_FOR_A_JOB } },
      data: { status: 'active', imageId, jobId, errorCode: null, errorMessage: null },
    });
    return placed ?? null;
  }

  /** The placing job failed for good (or was cancelled); null as for `activate`. */
  async fail(
    tx: Prisma.TransactionClient,
    placementId: string,
    jobId: string,
    error: { code: string; message: string },
  ): Promise<Placement | null> {
    const [failed] = await tx.placement.updateManyAndReturn({
      where: { id: placementId, status: { in: WAITING_FOR_A_JOB } },
      data: { status: 'failed', jobId, errorCode: error.code, errorMessage: error.message },
    });
    return failed ?? null;
  }

  /** An active copy found gone or changed upstream (drift detection); null when it is no longer active. */
  async drift(
    tx: Prisma.TransactionClient,
    placementId: string,
    error: { code: string; message: string },
  ): Promise<Placement | null> {
    const [drifted] = await tx.placement.updateManyAndReturn({
      where: { id: placementId, status: 'active' },
      data: { status: 'drifted', errorCode: error.code, errorMessage: error.message },
    });
    return drifted ?? null;
  }

  /** The family no longer keeps this target: its placements are no longer tracked. */
  async removeAt(
    tx: Prisma.TransactionClient,
    familyId: string,
    target: { provider: string; region: string },
  ): Promise<Placement[]> {
    return tx.placement.updateManyAndReturn({
      where: {
        version: { familyId },
        providerName: target.provider,
        region: target.region,
        status: { not: 'removed' },
      },
      data: { status: 'removed' },
    });
  }
}
