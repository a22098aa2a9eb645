import { Module } from '@nestjs/common';
import { CatalogueModule } from '../catalogue/catalogue.module';
import { ImageFilesController } from './image-files.controller';
import { ImportService } from './import/import.service';
import { IntakeCancellations } from './intake-cancellations';
import { intakeLivenessProvider } from './intake-liveness.provider';
import { UploadIntakeService } from './upload-intake.service';
import { UploadLifecycle } from './upload-lifecycle';
import { UploadSessionsService } from './upload-sessions.service';
import { uploadSignalsProvider } from './upload-signals.provider';

/** The API side of moving bytes: uploads into staging and downloads from providers. */
import { CatalogueCoreModule } from '../catalogue/catalogue-core.module';
import { JobsCoreModule } from '../jobs/jobs-core.module';
import { ProvidersModule } from '../providers/providers.module';

@Module({
  imports: [CatalogueModule, CatalogueCoreModule, ProvidersModule, JobsCoreModule],
  controllers: [ImageFilesController],
  providers: [
    UploadLifecycle,
    uploadSignalsProvider,
    UploadIntakeService,
    UploadSessionsService,
    ImportService,
    intakeLivenessProvider,
    IntakeCancellations,
  ],
})
export class UploadsModule {}
