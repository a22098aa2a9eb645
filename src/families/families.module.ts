import { Module } from '@nestjs/common';
import { CatalogueCoreModule } from '../catalogue/catalogue-core.module';
import { CatalogueModule } from '../catalogue/catalogue.module';
import { JobsCoreModule } from '../jobs/jobs-core.module';
import { ProvidersModule } from '../providers/providers.module';
import { FamiliesCoreModule } from './families-core.module';
import { FamiliesController } from './families.controller';
import { FamiliesReader } from './families.reader';
import { FamilyCopies } from './family-copies';
import { FamilyTargetsChecker } from './family-targets.checker';
import { FamilyVersionsController } from './family-versions.controller';
import { FamilyWriter } from './family-writer';
import { VersionPages } from './version-pages';
import { VersionPublisher } from './version-publisher';

/** The families API: families, versions and placements, channels, resolve. */
@Module({
  imports: [FamiliesCoreModule, CatalogueModule, CatalogueCoreModule, ProvidersModule, JobsCoreModule],
  controllers: [FamiliesController, FamilyVersionsController],
  providers: [FamiliesReader, FamilyWriter, FamilyTargetsChecker, FamilyCopies, VersionPublisher, VersionPages],
})
export class FamiliesModule {}
