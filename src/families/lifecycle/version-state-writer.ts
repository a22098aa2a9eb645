import { Injectable } from '@nestjs/common';
import { EventLog } from '../../platform/events/event-log';
import { PrismaService } from '../../platform/persistence/prisma.service';
import { FamiliesCacheVersion } from '../families-cache-version';
import { VersionStates } from './version-states';

/** VersionStates as the broker's provider: its events in the event log, each change carried out bumps the cache version. */
@Injectable()
export class VersionStateWriter extends VersionStates {
  constructor(prisma: PrismaService, events: EventLog, cacheVersion: FamiliesCacheVersion) {
    super(prisma, events, () => cacheVersion.bump());
  }
}
