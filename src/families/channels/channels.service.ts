import { Injectable } from '@nestjs/common';
import { BadRequestError, NotFoundError } from '../../platform/errors/app.errors';
import type { ChannelMove, FamilyChannel } from '../../platform/persistence/generated/client';
import { PrismaService } from '../../platform/persistence/prisma.service';
import type { ChannelDto, ChannelListDto, ChannelSummaryDto, MoveChannelDto } from '../dto/channel.dto';
import { FamiliesCacheVersion } from '../families-cache-version';
import { lockFamily } from '../family-lock';
import { FamilyLookup } from '../family-lookup';
import { LATEST_CHANNEL } from '../family-params';
import { ChannelMover } from './channel-mover';

const HISTORY_SHOWN = 100;

/** Channels as the API shows them, and a move asked for over HTTP. */
@Injectable()
export class ChannelsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly lookup: FamilyLookup,
    private readonly mover: ChannelMover,
    private readonly cacheVersion: FamiliesCacheVersion,
  ) {}

  async move(familyName: string, channel: string, body: MoveChannelDto, by: string): Promise<ChannelDto> {
    if (channel === LATEST_CHANNEL) {
      const message = `'${LATEST_CHANNEL}' is not a channel one can move: resolve answers it with the newest active version`;
      throw new BadRequestError(message, [{ field: 'channel', message }]);
    }
    const moved = await this.prisma.$transaction(async (tx) => {
      const family = await lockFamily(tx, familyName);
      const { version } = await this.lookup.version(familyName, body.version, tx);
      return this.mover.move(tx, family, { channel, to: version, by, force: body.force ?? false });
    });
    if (moved) await this.cacheVersion.bump();
    return this.get(familyName, channel);
  }

  async get(familyName: string, channel: string): Promise<ChannelDto> {
    const family = await this.lookup.family(familyName);
    const [row, moves] = await Promise.all([
      this.prisma.familyChannel.findUnique({ where: { familyId_name: { familyId: family.id, name: channel } } }),
      this.prisma.channelMove.findMany({
        where: { familyId: family.id, channel },
        orderBy: { id: 'desc' },
        take: HISTORY_SHOWN,
      }),
    ]);
    if (!row) throw new NotFoundError(`Family '${familyName}' has no channel '${channel}'`);
    return { ...summaryOf(row), history: moves.map(moveOf) };
  }

  async list(familyName: string): Promise<ChannelListDto> {
    const family = await this.lookup.family(familyName);
    const rows = await this.prisma.familyChannel.findMany({ where: { familyId: family.id }, orderBy: { name: 'asc' } });
    return { items: rows.map(summaryOf) };
  }
}

function summaryOf(row: FamilyChannel): ChannelSummaryDto {
  return { channel: row.name, version: row.version, updatedAt: row.updatedAt.toISOString() };
}

function moveOf(move: ChannelMove): ChannelDto['history'][number] {
  return {
    from: move.fromVersion,
    to: move.toVersion,
    at: move.at.toISOString(),
    by: move.movedBy,
    forced: move.forced,
  };
}
