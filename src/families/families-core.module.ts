import { Module } from '@nestjs/common';
import { ChannelMover } from './channels/channel-mover';
import { FamiliesCacheVersion } from './families-cache-version';
import { FamilyLookup } from './family-lookup';
import { FamilyVersionReader } from './family-version.reader';
import { VersionStateWriter } from './lifecycle/version-state-writer';

/**
 * What both processes need of families: lookups and the version reader, and
 * following their placements' jobs (registered with jobs' JobEndListeners), in
 * the API (a cancel) and in the worker (a run's end) alike; the writers both
 * use (channel moves, version states) and the cache version every write bumps.
 */
@Module({
  providers: [FamilyLookup, FamilyVersionReader, FamiliesCacheVersion, ChannelMover, VersionStateWriter],
  exports: [FamilyLookup, FamilyVersionReader, FamiliesCacheVersion, ChannelMover, VersionStateWriter],
})
export class FamiliesCoreModule {}
