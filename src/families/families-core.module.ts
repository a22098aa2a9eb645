import { Module } from '@nestjs/common';
import { CatalogueCoreModule } from '../catalogue/catalogue-core.module';
import { JobsCoreModule } from '../jobs/jobs-core.module';
import { ProvidersModule } from '../providers/providers.module';
import { ReplicationCoreModule } from '../replication/replication-core.module';
import { ChannelMover } from './channels/channel-mover';
import { FamiliesCacheVersion } from './families-cache-version';
import { FamilyLookup } from './family-lookup';
import { FamilyVersionReader } from './family-version.reader';
import { VersionStateWriter } from './lifecycle/version-state-writer';
import { PlacementDriftListener } from './placement-drift.listener';
import { PlacementJobListener } from './placement-job.listener';
import { PlacementKeeper } from './placement-keeper';
import { PlacementPlanner } from './placement-planner';
import { PlacementStore } from './placement.store';
import { VersionSource } from './version-source';

/**
 * What both processes need of families: lookups and the version reader, and
 * following their placements' jobs (PlacementJobListener, registered with
 * jobs' JobEndListeners), in the API (a cancel) and in the worker (a run's
 * end) alike; placing a placement again (PlacementKeeper: the retry route,
 * and drift repair: PlacementDriftListener, told by the catalogue of what a
 * sync changed); the writers both use (channel moves,
 * version states) and the cache version every write bumps.
 */
/** What the API and the worker modules of families use. */
const SHARED = [
  FamilyLookup,
  FamilyVersionReader,
  FamiliesCacheVersion,
  ChannelMover,
  VersionStateWriter,
  PlacementStore,
  PlacementPlanner,
  PlacementKeeper,
  VersionSource,
];

@Module({
  imports: [CatalogueCoreModule, ProvidersModule, JobsCoreModule, ReplicationCoreModule],
  // The listeners register themselves with jobs' and the catalogue's registries; nobody injects them.
  providers: [...SHARED, PlacementJobListener, PlacementDriftListener],
  exports: SHARED,
})
export class FamiliesCoreModule {}
