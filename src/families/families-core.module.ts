import { Module } from '@nestjs/common';
import { FamilyLookup } from './family-lookup';
import { FamilyVersionReader } from './family-version.reader';

/**
 * What both processes need of families: lookups and the version reader, and
 * following their placements' jobs (registered with jobs' JobEndListeners), in
 * the API (a cancel) and in the worker (a run's end) alike.
 */
@Module({ providers: [FamilyLookup, FamilyVersionReader], exports: [FamilyLookup, FamilyVersionReader] })
export class FamiliesCoreModule {}
