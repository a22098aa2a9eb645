import { Module } from '@nestjs/common';
import { CataloguePageCacheInterceptor } from './catalogue-page-cache.interceptor';
import { CatalogueResponseCache } from './catalogue-response-cache';
import { ImageChangesService } from './image-changes.service';
import { ImagePortalSyncController } from './image-portal-sync.controller';
import { ImageRegistrationService } from './image-registration.service';
import { ImageWritesController } from './image-writes.controller';
import { ImagesController } from './images.controller';
import { ProvidersController } from './providers.controller';
import { ProvidersService } from './providers.service';

/** The catalogue API: images and provider connections. */
import { JobsCoreModule } from '../jobs/jobs-core.module';
import { ProvidersModule } from '../providers/providers.module';
import { CatalogueCoreModule } from './catalogue-core.module';

@Module({
  imports: [ProvidersModule, JobsCoreModule, CatalogueCoreModule],
  controllers: [ImagesController, ImageWritesController, ImagePortalSyncController, ProvidersController],
  providers: [
    ProvidersService,
    CatalogueResponseCache,
    CataloguePageCacheInterceptor,
    ImageRegistrationService,
    ImageChangesService,
  ],
  exports: [ImageChangesService],
})
export class CatalogueModule {}
