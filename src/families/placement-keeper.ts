import { Injectable } from '@nestjs/common';
import { JobService, type CreateJobWithin } from '../jobs/job.service';
import { ConflictError, NotFoundError, UnprocessableError } from '../platform/errors/app.errors';
import type { Placement, Prisma } from '../platform/persistence/generated/client';
import { isUuid } from '../platform/persistence/uuid';
import { ReplicationService } from '../replication/replication.service';
import { FamiliesCacheVersion } from './families-cache-version';
import { PlacementPlanner } from './placement-planner';
import { PlacementStore } from './placement.store';
import { VersionSource } from './version-source';

/**
 * Places one placement again: the retry route for a failed one, and drift
 * repair for a drifted one (`onDrift: repair`). A failed placement runs its
 * replication target again with a new job (keeping the copy already
 * registered at the provider, as a replication retry does); a drifted one,
 * whose copy is gone or changed upstream, gets a fresh replication from the
 * version's image (or an active copy of it, VersionSource). Either way the
 * placement is `pending` with the new job, and PlacementJobListener ends it.
 *
 * Callers: `replace(placementId)` in its own transaction (it bumps the
 * families cache version after), or `replaceWithin(tx, createJob,
 * placementId)` inside a caller's transaction, whose caller bumps it once
 * that has committed.
 */
@Injectable()
export class PlacementKeeper {
  constructor(
    private readonly jobs: JobService,
    private readonly store: PlacementStore,
    private readonly replication: ReplicationService,
    private readonly planner: PlacementPlanner,
    private readonly sources: VersionSource,
    private readonly cache: FamiliesCacheVersion,
  ) {}

  /**
   * 404 for an unknown placement (or one not of `versionId`, when given), 409
   * unless failed or drifted, 422 when nothing can be copied there now.
   */
  async replace(placementId: string, versionId?: string): Promise<Placement> {
    const placed = await this.jobs.transaction((tx, createJob) =>
      this.replaceWithin(tx, createJob, placementId, versionId),
    );
    // The placement is pending again (or active at once on the source's own target): resolve answers anew.
    await this.cache.bump();
    return placed;
  }

  async replaceWithin(
    tx: Prisma.TransactionClient,
    createJob: CreateJobWithin,
    placementId: string,
    versionId?: string,
  ): Promise<Placement> {
    const placement = isUuid(placementId) ? await this.store.lock(tx, placementId) : null;
    if (!placement || (versionId !== undefined && placement.versionId !== versionId))
      throw new NotFoundError(`No placement has the id '${placementId}'`);
    if (placement.status !== 'failed' && placement.status !== 'drifted') {
      throw new ConflictError(
        `Placement '${placementId}' is ${placement.status}; only a failed or drifted placement is placed again`,
      );
    }
    if (placement.status === 'failed' && (await this.canRunAgain(tx, placement.replicationTargetId))) {
      const requeued = await this.replication.requeueWithin(tx, createJob, placement.replicationTargetId!);
      // Its replication target was run again another way (the replications route): that job ends the placement.
      if (!requeued) throw new ConflictError(`Placement '${placementId}' is being placed again already`);
      return this.store.replacing(tx, placement.id, requeued.target.id, requeued.job.id);
    }
    const version = await tx.familyVersion.findUniqueOrThrow({
      where: { id: placement.versionId },
      include: { family: true },
    });
    const source = await this.sources.of(version, tx);
    if (!source) {
      throw new UnprocessableError(
        `Version '${version.version}' of '${version.family.name}' has no active image left to copy from`,
      );
    }
    const target = { provider: placement.providerName, region: placement.region };
    const problems = await this.planner.problems(version.family, source, [target], () => 'placement');
    if (problems.length > 0)
      throw new UnprocessableError(problems.map((p) => `${p.field} ${p.message}`).join('; '), problems);
    const [placed] = await this.planner.placeWithin(tx, createJob, version.family, version, source, [target]);
    return placed;
  }

  /** Whether the placement's replication target can simply run again: it exists and its source is still active. */
  private async canRunAgain(tx: Prisma.TransactionClient, targetId: string | null): Promise<boolean> {
    if (!targetId) return false;
    const target = await tx.replicationTarget.findUnique({
      where: { id: targetId },
      select: { replication: { select: { sourceImage: { select: { status: true } } } } },
    });
    return target?.replication.sourceImage.status === 'active';
  }
}
