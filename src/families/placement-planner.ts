import { Injectable } from '@nestjs/common';
import type { CreateJobWithin } from '../jobs/job.service';
import type { FieldProblem } from '../platform/config/validation-messages';
import { EventLog } from '../platform/events/event-log';
import type { BrokerEvent } from '../platform/events/event-types';
import type { Family, FamilyVersion, Image, Placement, Prisma } from '../platform/persistence/generated/client';
import { ProviderRegistry } from '../providers/port/provider-registry.service';
import { ReplicationService } from '../replication/replication.service';
import { familyOverrides } from './family-overrides';
import { sameTarget, type FamilyTargetRef } from './family-targets';
import { placementEvent } from './placement-events';
import { PlacementStore } from './placement.store';

/** Whether `image` is itself on `target`: that placement is active at once, without a copy. */
function holds(image: Image, target: FamilyTargetRef): boolean {
  return sameTarget({ provider: image.providerName, region: image.region }, target);
}

/**
 * Places a version on targets: one replication of its image with a target and
 * a replicate job per destination (ReplicationService, in the caller's
 * transaction), and a placement per target pointing at its job. A target that
 * holds the image itself is active at once. Used by a publish and by a target
 * added to a family.
 */
@Injectable()
export class PlacementPlanner {
  constructor(
    private readonly replication: ReplicationService,
    private readonly registry: ProviderRegistry,
    private readonly store: PlacementStore,
    private readonly events: EventLog,
  ) {}

  /**
   * Everything that keeps a target from taking `source`, found before any
   * call to a provider or any row: a connection gone, a kind without create
   * or upload, and what the target's own rules refuse in the copy (NHN:
   * os.type). Each problem names `field(i)` of the target and the provider.
   */
  async problems(
    family: Family,
    source: Image,
    targets: readonly FamilyTargetRef[],
    field: (index: number) => string,
  ): Promise<FieldProblem[]> {
    const problems: FieldProblem[] = [];
    const overrides = familyOverrides(family);
    for (const [index, target] of targets.entries()) {
      if (holds(source, target)) continue;
      const where = `${target.provider}${target.region ? ` (${target.region})` : ''}`;
      const adapter = await this.registry.resolve(target.provider).catch(() => null);
      if (!adapter) {
        problems.push({
          field: `${field(index)}.provider`,
          message: `no provider connection is named '${target.provider}'`,
        });
        continue;
      }
      for (const p of this.replication.preflight(adapter, source, target.region, overrides)) {
        problems.push({ field: `${field(index)}.${p.field}`, message: `${where}, ${adapter.kind}: ${p.message}` });
      }
    }
    return problems;
  }

  /**
   * Creates (or restarts) the version's placements on `targets`, in `tx`;
   * `problems` must have found none. `leading` gives the events that come
   * first (a publish's `version.published`, naming the placements), before the
   * `placement.active` of targets that already hold the image.
   */
  async placeWithin(
    tx: Prisma.TransactionClient,
    createJob: CreateJobWithin,
    family: Family,
    version: FamilyVersion,
    source: Image,
    targets: readonly FamilyTargetRef[],
    leading: (placements: readonly Placement[]) => BrokerEvent[] = () => [],
  ): Promise<Placement[]> {
    const placements: Placement[] = [];
    const activeAtOnce: BrokerEvent[] = [];
    for (const target of targets.filter((t) => holds(source, t))) {
      const placement = await this.store.start(tx, version.id, target, { kind: 'holds-source', imageId: source.id });
      activeAtOnce.push(placementEvent(family, version, placement, source.nativeId));
      placements.push(placement);
    }
    await this.placeCopies(tx, createJob, family, version, source, targets, placements);
    await this.events.append(tx, [...leading(placements), ...activeAtOnce]);
    return placements;
  }

  private async placeCopies(
    tx: Prisma.TransactionClient,
    createJob: CreateJobWithin,
    family: Family,
    version: FamilyVersion,
    source: Image,
    targets: readonly FamilyTargetRef[],
    placements: Placement[],
  ): Promise<void> {
    const copies = targets.filter((t) => !holds(source, t));
    if (copies.length === 0) return;
    const overrides = familyOverrides(family);
    const planned = await this.replication.planWithin(
      tx,
      createJob,
      source.id,
      copies.map((t) => ({ provider: t.provider, region: t.region, overrides })),
    );
    for (const { target, job } of planned) {
      placements.push(
        await this.store.start(
          tx,
          version.id,
          { provider: target.providerName, region: target.region },
          { kind: 'placing', replicationTargetId: target.id, jobId: job.id },
        ),
      );
    }
  }
}
