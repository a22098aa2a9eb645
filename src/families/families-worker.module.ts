import { Module } from '@nestjs/common';
import { FamiliesCoreModule } from './families-core.module';

/** ROLE=worker's part of families: scheduled version changes, drift repair. */
@Module({ imports: [FamiliesCoreModule] })
export class FamiliesWorkerModule {}
