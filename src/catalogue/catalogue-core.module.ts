import { Module } from '@nestjs/common';
import { JobsCoreModule } from '../jobs/jobs-core.module';
import { ProvidersModule } from '../providers/providers.module';
import { CatalogueWriter } from './catalogue-writer.service';
import { ImagesService } from './images.service';
import { PortalSyncService } from './portal-sync.service';

/**
 * What both roles need of the catalogue: its writer (sync, uploads), its reads
 * (image lookups) and the portal sync (after an upload, and its route).
 */
@Module({
  imports: [ProvidersModule, JobsCoreModule],
  providers: [CatalogueWriter, ImagesService, PortalSyncService],
  exports: [CatalogueWriter, ImagesService, PortalSyncService],
})
export class CatalogueCoreModule {}
