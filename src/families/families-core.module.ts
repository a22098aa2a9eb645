import { Module } from '@nestjs/common';

/**
 * What both processes need of families: following their placements' jobs
 * (registered with jobs' JobEndListeners), in the API (a cancel) and in the
 * worker (a run's end) alike.
 */
@Module({})
export class FamiliesCoreModule {}
