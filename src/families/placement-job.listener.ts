import { Injectable, type OnModuleInit } from '@nestjs/common';
import { JobEndListeners, type JobEndListener } from '../jobs/job-end-listeners';
import { EventLog } from '../platform/events/event-log';
import type { AfterCommit } from '../platform/persistence/after-commit';
import type { Job, Prisma } from '../platform/persistence/generated/client';
import { FamiliesCacheVersion } from './families-cache-version';
import { placementEvent } from './placement-events';
import { PlacementStore } from './placement.store';

/**
 * Follows placements' replicate jobs: when one ends, in the transaction that
 * ends it, its placement becomes active (the copy's broker image id, from the
 * job's result) or failed (the job's error), and `placement.active` or
 * `placement.failed` is recorded. A placement is found by its replication
 * target, so a target retried through the replications route counts too.
 */
@Injectable()
export class PlacementJobListener implements JobEndListener, OnModuleInit {
  constructor(
    private readonly listeners: JobEndListeners,
    private readonly store: PlacementStore,
    private readonly events: EventLog,
    private readonly cache: FamiliesCacheVersion,
  ) {}

  onModuleInit(): void {
    this.listeners.register(this);
  }

  async onJobEnded(tx: Prisma.TransactionClient, job: Job): Promise<AfterCommit | void> {
    if (job.type !== 'replicate') return;
    const targetId = (job.payload as { targetId?: unknown } | null)?.targetId;
    if (typeof targetId !== 'string') return;
    const placement = await tx.placement.findFirst({
      where: { replicationTargetId: targetId, status: { in: ['pending', 'placing', 'failed'] } },
      include: { version: { include: { family: true } } },
    });
    if (!placement) return;
    const { version } = placement;
    let ended;
    let nativeId: string | null = null;
    if (job.state === 'succeeded') {
      const imageId = (job.result as { imageId?: unknown } | null)?.imageId;
      const copy = typeof imageId === 'string' ? await tx.image.findUnique({ where: { id: imageId } }) : null;
      nativeId = copy?.nativeId ?? null;
      ended = await this.store.activate(tx, placement.id, copy?.id ?? null, job.id);
    } else {
      ended = await this.store.fail(tx, placement.id, job.id, {
        code: job.errorCode ?? job.state,
        message: job.errorMessage ?? `the placing job ${job.state}`,
      });
    }
    // Removed with its target (or its family) since it was read: nothing to end, nothing to tell.
    if (!ended) return;
    await this.events.append(tx, [placementEvent(version.family, version, ended, nativeId)]);
    // A placement turned active or failed: resolve's answer for its target changes once this commits.
    return () => this.cache.bump();
  }
}
