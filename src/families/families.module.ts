import { Module } from '@nestjs/common';
import { FamiliesCoreModule } from './families-core.module';

/** The families API: families, versions and placements, channels, resolve. */
@Module({ imports: [FamiliesCoreModule] })
export class FamiliesModule {}
