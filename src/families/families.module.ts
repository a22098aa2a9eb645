import { Module } from '@nestjs/common';
import { CatalogueCoreModule } from '../catalogue/catalogue-core.module';
import { CatalogueModule } from '../catalogue/catalogue.module';
import { JobsCoreModule } from '../jobs/jobs-core.module';
import { ProvidersModule } from '../providers/providers.module';
import { ChannelsController } from './channels/channels.controller';
import { ChannelsService } from './channels/channels.service';
import { FamiliesCoreModule } from './families-core.module';
import { FamiliesController } from './families.controller';
import { FamiliesReader } from './families.reader';
import { FamilyCopies } from './family-copies';
import { FamilyTargetsChecker } from './family-targets.checker';
import { FamilyVersionsController } from './family-versions.controller';
import { FamilyWriter } from './family-writer';
import { VersionLifecycleController } from './lifecycle/version-lifecycle.controller';
import { VersionLifecycleService } from './lifecycle/version-lifecycle.service';
import { ResolveAnswerCache } from './resolve/resolve-answer-cache';
import { ResolveCacheInterceptor } from './resolve/resolve-cache.interceptor';
import { ResolveController } from './resolve/resolve.controller';
import { VersionResolver } from './resolve/version-resolver';
import { VersionPages } from './version-pages';
import { VersionPublisher } from './version-publisher';

/** The families API: families, versions and placements, channels, resolve. */
@Module({
  imports: [FamiliesCoreModule, CatalogueModule, CatalogueCoreModule, ProvidersModule, JobsCoreModule],
  controllers: [
    FamiliesController,
    FamilyVersionsController,
    ChannelsController,
    ResolveController,
    VersionLifecycleController,
  ],
  providers: [
    FamiliesReader,
    FamilyWriter,
    FamilyTargetsChecker,
    FamilyCopies,
    VersionPublisher,
    VersionPages,
    ChannelsService,
    VersionResolver,
    ResolveAnswerCache,
    ResolveCacheInterceptor,
    VersionLifecycleService,
  ],
})
export class FamiliesModule {}
