import { Global, Module } from '@nestjs/common';
import { CatalogueWriter } from './catalogue-writer.service';
import { ImagesService } from './images.service';

/** What both roles need of the catalogue: its writer (sync, uploads) and its reads (image lookups). */
@Global()
@Module({ providers: [CatalogueWriter, ImagesService], exports: [CatalogueWriter, ImagesService] })
export class CatalogueCoreModule {}
