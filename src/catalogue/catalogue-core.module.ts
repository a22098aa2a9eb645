import { Module } from '@nestjs/common';
import { JobsCoreModule } from '../jobs/jobs-core.module';
import { ProvidersModule } from '../providers/providers.module';
import { CatalogueChangeListeners } from './catalogue-change-listeners';
import { CatalogueWriter } from './catalogue-writer.service';
import { ImagesService } from './images.service';
import { PortalSyncService } from './portal-sync.service';

/**
 * What both roles need of the catalogue: its writer (sync, uploads), its reads
 * (image lookups), the portal sync (after an upload, and its route), and who
 * hears of what a sync changed.
 */
@Module({
  imports: [ProvidersModule, JobsCoreModule],
  providers: [CatalogueWriter, CatalogueChangeListeners, ImagesService, PortalSyncService],
  exports: [CatalogueWriter, CatalogueChangeListeners, ImagesService, PortalSyncService],
})
export class CatalogueCoreModule {}
