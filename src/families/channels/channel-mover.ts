import { Injectable } from '@nestjs/common';
import { ConflictError } from '../../platform/errors/app.errors';
import { EventLog } from '../../platform/events/event-log';
import type { Family, FamilyVersion, Prisma } from '../../platform/persistence/generated/client';
import { VersionNotPlacedError } from '../families.errors';
import { describeTarget, standingOnTargets } from './target-standing';

export interface ChannelMoveRequest {
  channel: string;
  to: FamilyVersion;
  /** The API key moving it. */
  by: string;
  /** Move even while the version is not active on every target. */
  force: boolean;
}

/**
 * The one writer of family_channels and channel_moves: moves a channel to a
 * version, keeps the move and records `channel.moved`, all in the caller's
 * transaction. The caller holds the family's row lock (lockFamily), so
 * concurrent moves of one family line up and each history entry's `from` is
 * what the channel really pointed at.
 */
@Injectable()
export class ChannelMover {
  constructor(private readonly events: EventLog) {}

  /** False when the channel already points at the version: nothing is written. */
  async move(tx: Prisma.TransactionClient, family: Family, request: ChannelMoveRequest): Promise<boolean> {
    const { channel, to, by, force } = request;
    if (to.state === 'revoked' || to.state === 'obsolete') {
      throw new ConflictError(
        `Version '${to.version}' of family '${family.name}' is ${to.state}: a channel cannot point at it` +
          (to.replacement ? ` (its replacement is '${to.replacement}')` : ''),
      );
    }
    const ending = to.scheduledState === 'revoked' || to.scheduledState === 'obsolete';
    if (ending && !force) {
      // Its revocation was let through because no channel pointed at it then (or they were moved away).
      throw new ConflictError(
        `Version '${to.version}' of family '${family.name}' is to be ${to.scheduledState} at ` +
          `${to.scheduledAt?.toISOString()}: move the channel with force: true to point at it until then`,
      );
    }
    const current = await tx.familyChannel.findUnique({
      where: { familyId_name: { familyId: family.id, name: channel } },
    });
    if (current?.version === to.version) return false;
    if (!force) {
      const notActive = (await standingOnTargets(tx, family.id, to.id)).filter((s) => s.status !== 'active');
      if (notActive.length > 0) {
        throw new VersionNotPlacedError(
          `Version '${to.version}' is not active on every target of family '${family.name}': ` +
            `${notActive.map(describeTarget).join(', ')}; wait for its placements or move with force: true`,
          notActive,
        );
      }
    }
    await tx.familyChannel.upsert({
      where: { familyId_name: { familyId: family.id, name: channel } },
      create: { familyId: family.id, name: channel, version: to.version },
      update: { version: to.version },
    });
    const from = current?.version ?? null;
    await tx.channelMove.create({
      data: { familyId: family.id, channel, fromVersion: from, toVersion: to.version, movedBy: by, forced: force },
    });
    await this.events.append(tx, [
      {
        type: 'channel.moved',
        subject: `families/${family.name}/channels/${channel}`,
        orderingKey: family.name,
        data: { family: family.name, channel, from, to: to.version, by, forced: force },
      },
    ]);
    return true;
  }
}
