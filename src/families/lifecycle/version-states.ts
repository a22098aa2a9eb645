import type { BrokerEvent, EventType } from '../../platform/events/event-types';
import type {
  Family,
  FamilyVersion,
  Prisma,
  PrismaClient,
  VersionState,
} from '../../platform/persistence/generated/client';
import { lockFamily } from '../family-lock';

const EVENT_OF_STATE: Partial<Record<VersionState, EventType>> = {
  deprecated: 'version.deprecated',
  obsolete: 'version.obsoleted',
  revoked: 'version.revoked',
};

export interface StateChange {
  state: VersionState;
  /** undefined keeps the version's replacement; null clears it. */
  replacement?: string | null;
  /** The API key asking; null for a scheduled change carried out on time. */
  by: string | null;
}

/** What VersionStates records its events with: EventLog in the broker. */
export interface EventAppender {
  append(tx: Prisma.TransactionClient, events: readonly BrokerEvent[]): Promise<void>;
}

/**
 * The one writer of a family version's lifecycle columns (state, stateAt,
 * replacement, scheduledState, scheduledAt): applies a change now, in the
 * caller's transaction with its `version.*` event, or keeps it for later; and
 * carries out a kept change once it is due, from whichever worker's timer or
 * sweep gets there first (idempotent: the first clears the schedule under the
 * family's lock, the others find nothing due). Free of the framework, so a
 * medium spec runs it on PostgreSQL alone; VersionStateWriter is its provider.
 */
export class VersionStates {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly events: EventAppender,
    /** Called after a change carried out by applyDue committed (the broker bumps the families cache version). */
    private readonly changed: () => Promise<void>,
  ) {}

  async apply(
    tx: Prisma.TransactionClient,
    family: Family,
    version: FamilyVersion,
    change: StateChange,
  ): Promise<FamilyVersion> {
    const same = change.state === version.state;
    const updated = await tx.familyVersion.update({
      where: { id: version.id },
      data: {
        state: change.state,
        ...(!same && { stateAt: new Date() }),
        ...(change.replacement !== undefined && { replacement: change.replacement }),
        scheduledState: null,
        scheduledAt: null,
      },
    });
    const type = EVENT_OF_STATE[change.state];
    if (!same && type) {
      await this.events.append(tx, [
        {
          type,
          subject: `families/${family.name}/versions/${version.version}`,
          orderingKey: family.name,
          data: {
            family: family.name,
            version: version.version,
            state: change.state,
            replacement: updated.replacement,
            by: change.by,
          },
        },
      ]);
    }
    return updated;
  }

  async schedule(
    tx: Prisma.TransactionClient,
    version: FamilyVersion,
    state: VersionState,
    at: Date,
    replacement: string | null | undefined,
  ): Promise<FamilyVersion> {
    return tx.familyVersion.update({
      where: { id: version.id },
      data: { scheduledState: state, scheduledAt: at, ...(replacement !== undefined && { replacement }) },
    });
  }

  /** Sets or clears the replacement alone. */
  async setReplacement(
    tx: Prisma.TransactionClient,
    version: FamilyVersion,
    replacement: string | null,
  ): Promise<FamilyVersion> {
    return tx.familyVersion.update({ where: { id: version.id }, data: { replacement } });
  }

  /** Carries out the version's kept change if it is due; true when this call did. */
  async applyDue(versionId: string): Promise<boolean> {
    const applied = await this.prisma.$transaction(async (tx) => {
      const found = await tx.familyVersion.findUnique({ where: { id: versionId }, include: { family: true } });
      if (!found) return false;
      const family = await lockFamily(tx, found.family.name);
      // Read again under the lock: another worker may have carried it out, or a PATCH moved it.
      const version = await tx.familyVersion.findUnique({ where: { id: versionId } });
      if (!version?.scheduledState || !version.scheduledAt || version.scheduledAt.getTime() > Date.now()) return false;
      await this.apply(tx, family, version, { state: version.scheduledState, by: null });
      return true;
    });
    if (applied) await this.changed();
    return applied;
  }

  /** Milliseconds until the version's kept change is due (0 or less: due); null when none is kept. */
  async msUntilDue(versionId: string): Promise<number | null> {
    const row = await this.prisma.familyVersion.findUnique({ where: { id: versionId }, select: { scheduledAt: true } });
    return row?.scheduledAt ? row.scheduledAt.getTime() - Date.now() : null;
  }

  /** Versions whose kept change is due, oldest first. */
  async dueVersionIds(limit = 500): Promise<string[]> {
    const rows = await this.prisma.familyVersion.findMany({
      where: { scheduledState: { not: null }, scheduledAt: { lte: new Date() } },
      orderBy: { scheduledAt: 'asc' },
      select: { id: true },
      take: limit,
    });
    return rows.map((r) => r.id);
  }
}
