import { Module } from '@nestjs/common';
import { CatalogueModule } from '../catalogue/catalogue.module';
import { ImageFilesController } from './image-files.controller';
import { ImportService } from './import/import.service';
import { IntakeCancellations } from './intake-cancellations';
import { intakeLivenessProvider } from './intake-liveness.provider';
import { UploadIntakeService } from './upload-intake.service';
import { UploadSessionsService } from './upload-sessions.service';

/** The API side of moving bytes: uploads into staging and downloads from providers. */
import { CatalogueCoreModule } from '../catalogue/catalogue-core.module';
import { JobsCoreModule } from '../jobs/jobs-core.module';
import { ProvidersModule } from '../providers/providers.module';

@Module({
  imports: [CatalogueModule, CatalogueCoreModule, ProvidersModule, JobsCoreModule],
  controllers: [ImageFilesController],
  providers: [UploadIntakeService, UploadSessionsService, ImportService, intakeLivenessProvider, IntakeCancellations],
})
export class UploadsModule {}
