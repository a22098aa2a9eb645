import { Injectable, Logger } from '@nestjs/common';
import { BadRequestError, UnprocessableError } from '../../platform/errors/app.errors';
import type { Family, FamilyVersion, Prisma, VersionState } from '../../platform/persistence/generated/client';
import { PrismaService } from '../../platform/persistence/prisma.service';
import { TimerQueue } from '../../jobs/timers/timer-queue';
import { ChannelMover } from '../channels/channel-mover';
import type { FamilyVersionDto } from '../dto/family-version.dto';
import type { UpdateVersionStateDto } from '../dto/version-state.dto';
import { FamiliesCacheVersion } from '../families-cache-version';
import { ChannelsPointAtVersionError } from '../families.errors';
import { lockFamily } from '../family-lock';
import { FamilyLookup } from '../family-lookup';
import { FamilyVersionReader } from '../family-version.reader';
import { VERSION_STATE_DUE } from './version-state-timers';
import { VersionStateWriter } from './version-state-writer';

/** States in which resolve answers 410: no channel may be left pointing at them without saying so. */
const WITHDRAWN: readonly VersionState[] = ['obsolete', 'revoked'];

/**
 * PATCH of a version: deprecate, make obsolete, revoke or restore it, now or
 * at a later `stateAt`, name its replacement, and move the channels that
 * point at it out of the way, all in one transaction under the family's lock.
 */
@Injectable()
export class VersionLifecycleService {
  private readonly logger = new Logger(VersionLifecycleService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly lookup: FamilyLookup,
    private readonly writer: VersionStateWriter,
    private readonly mover: ChannelMover,
    private readonly reader: FamilyVersionReader,
    private readonly timers: TimerQueue,
    private readonly cacheVersion: FamiliesCacheVersion,
  ) {}

  async change(
    familyName: string,
    versionName: string,
    body: UpdateVersionStateDto,
    by: string,
  ): Promise<FamilyVersionDto> {
    if (body.state === undefined && body.replacement === undefined) {
      throw new BadRequestError('Give a state, a replacement or both', [{ field: 'state', message: 'is missing' }]);
    }
    if (body.stateAt !== undefined && body.state === undefined) {
      const message = 'stateAt goes with a state: it says when that state takes effect';
      throw new BadRequestError(message, [{ field: 'stateAt', message }]);
    }
    if (body.moveChannelsTo !== undefined && (body.state === undefined || !WITHDRAWN.includes(body.state))) {
      const message = 'moveChannelsTo goes with state revoked or obsolete';
      throw new BadRequestError(message, [{ field: 'moveChannelsTo', message }]);
    }
    const at = body.stateAt === undefined ? null : new Date(body.stateAt);
    const scheduleAt = body.state !== undefined && at !== null && at.getTime() > Date.now() ? at : null;
    const { family, version } = await this.prisma.$transaction(async (tx) => {
      const family = await lockFamily(tx, familyName);
      const { version } = await this.lookup.version(familyName, versionName, tx);
      if (body.replacement) await this.checkReplacement(tx, family, version, body.replacement);
      if (body.state !== undefined && WITHDRAWN.includes(body.state)) {
        await this.clearChannels(tx, family, version, body, by);
      }
      let updated: FamilyVersion;
      if (body.state === undefined) updated = await this.writer.setReplacement(tx, version, body.replacement ?? null);
      else if (scheduleAt) updated = await this.writer.schedule(tx, version, body.state, scheduleAt, body.replacement);
      else
        updated = await this.writer.apply(tx, family, version, {
          state: body.state,
          replacement: body.replacement,
          by,
        });
      return { family, version: updated };
    });
    await this.cacheVersion.bump();
    if (scheduleAt && version.scheduledAt) {
      // Lost (Redis away): the minute's sweep carries the change out a little late instead.
      await this.timers.at(VERSION_STATE_DUE, version.id, version.scheduledAt).catch((error: Error) => {
        this.logger.warn(`could not queue the timer of ${family.name} ${version.version}: ${error.message}`);
      });
    }
    return this.reader.describe(family, version);
  }

  private async checkReplacement(
    tx: Prisma.TransactionClient,
    family: Family,
    version: FamilyVersion,
    replacement: string,
  ): Promise<void> {
    if (replacement === version.version) throw new UnprocessableError('A version cannot replace itself');
    const row = await tx.familyVersion.findUnique({
      where: { familyId_version: { familyId: family.id, version: replacement } },
    });
    if (!row) throw new UnprocessableError(`replacement: family '${family.name}' has no version '${replacement}'`);
    if (WITHDRAWN.includes(row.state)) {
      throw new UnprocessableError(`replacement: version '${replacement}' is ${row.state} itself`);
    }
  }

  /** Channels pointing at a version about to be withdrawn: moved (moveChannelsTo), left (force), or a 409. */
  private async clearChannels(
    tx: Prisma.TransactionClient,
    family: Family,
    version: FamilyVersion,
    body: UpdateVersionStateDto,
    by: string,
  ): Promise<void> {
    const channels = await tx.familyChannel.findMany({
      where: { familyId: family.id, version: version.version },
      orderBy: { name: 'asc' },
    });
    if (channels.length === 0) return;
    if (body.moveChannelsTo !== undefined) {
      if (body.moveChannelsTo === version.version) {
        throw new UnprocessableError('moveChannelsTo must name another version than the one withdrawn');
      }
      const { version: to } = await this.lookup.version(family.name, body.moveChannelsTo, tx);
      for (const channel of channels) {
        await this.mover.move(tx, family, { channel: channel.name, to, by, force: body.force ?? false });
      }
      return;
    }
    if (body.force) return;
    const names = channels.map((c) => c.name);
    throw new ChannelsPointAtVersionError(
      `Channels ${names.map((n) => `'${n}'`).join(', ')} of family '${family.name}' point at version ` +
        `'${version.version}': move them in the same request (moveChannelsTo) or set force: true`,
      names,
    );
  }
}
