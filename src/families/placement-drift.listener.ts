import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import {
  CatalogueChangeListeners,
  type CatalogueChange,
  type CatalogueChangeListener,
} from '../catalogue/catalogue-change-listeners';
import { JobService } from '../jobs/job.service';
import { AppError } from '../platform/errors/app.errors';
import { EventLog } from '../platform/events/event-log';
import type { AfterCommit } from '../platform/persistence/after-commit';
import type { Prisma } from '../platform/persistence/generated/client';
import { FamiliesCacheVersion } from './families-cache-version';
import { placementEvent } from './placement-events';
import { PlacementKeeper } from './placement-keeper';
import { PlacementStore } from './placement.store';

/** Why a placement's copy no longer is the version, as a sync found it. */
interface Drift {
  code: 'vanished_upstream' | 'checksum_changed';
  message: string;
  change: CatalogueChange;
}

/**
 * Desired placement is kept: when a sync finds an active placement's copy
 * gone upstream or holding other bytes (its sha256 differs from the
 * version's), the placement turns `drifted` and `placement.drifted` is
 * recorded, in the sync's own transaction. A family with `onDrift: repair`
 * places it again at once (PlacementKeeper, a new replication in the same
 * transaction); with `report` it waits for the retry route.
 */
@Injectable()
export class PlacementDriftListener implements CatalogueChangeListener, OnModuleInit {
  private readonly logger = new Logger(PlacementDriftListener.name);

  constructor(
    private readonly changes: CatalogueChangeListeners,
    private readonly jobs: JobService,
    private readonly store: PlacementStore,
    private readonly keeper: PlacementKeeper,
    private readonly events: EventLog,
    private readonly cache: FamiliesCacheVersion,
  ) {}

  onModuleInit(): void {
    this.changes.register(this);
  }

  async onCatalogueChanges(
    tx: Prisma.TransactionClient,
    changes: readonly CatalogueChange[],
  ): Promise<AfterCommit | void> {
    const drifts = driftsOf(changes);
    if (drifts.size === 0) return;
    const placements = await tx.placement.findMany({
      where: { imageId: { in: [...drifts.keys()] }, status: 'active' },
      include: { version: { include: { family: true } } },
    });
    let drifted = 0;
    for (const placement of placements) {
      const drift = drifts.get(placement.imageId!)!;
      const { version } = placement;
      // A copy changed to the version's own bytes (a re-upload of the same image) is still the version.
      if (drift.code === 'checksum_changed' && drift.change.sha256 === version.sha256) continue;
      const marked = await this.store.drift(tx, placement.id, { code: drift.code, message: drift.message });
      // No longer active since it was read (removed with its target, its family deleted): not this sync's to judge.
      if (!marked) continue;
      await this.events.append(tx, [placementEvent(version.family, version, marked, drift.change.nativeId)]);
      drifted += 1;
      if (version.family.onDrift === 'repair') await this.repair(tx, placement.id, version.family.name);
    }
    if (drifted > 0) return () => this.cache.bump();
  }

  /**
   * Places the copy again inside the sync's transaction. A refusal (no active
   * image of the version left to copy from, a target that can no longer take
   * it) leaves the placement drifted for a user to see; it never fails the sync.
   */
  private async repair(tx: Prisma.TransactionClient, placementId: string, family: string): Promise<void> {
    try {
      await this.keeper.replaceWithin(tx, this.jobs.creatorWithin(tx), placementId);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      this.logger.warn(`family '${family}': drifted placement ${placementId} not repaired: ${error.message}`);
    }
  }
}

function driftsOf(changes: readonly CatalogueChange[]): Map<string, Drift> {
  const drifts = new Map<string, Drift>();
  for (const change of changes) {
    const where = `'${change.nativeId}' at '${change.providerName}'${change.region ? ` (${change.region})` : ''}`;
    if (change.kind === 'vanished') {
      drifts.set(change.imageId, {
        code: 'vanished_upstream',
        message: `the copy ${where} is gone upstream`,
        change,
      });
    } else if (change.kind === 'changed' && change.sha256 !== null && change.sha256 !== change.previousSha256) {
      drifts.set(change.imageId, {
        code: 'checksum_changed',
        message: `the copy ${where} now has sha256 ${change.sha256}`,
        change,
      });
    }
  }
  return drifts;
}
