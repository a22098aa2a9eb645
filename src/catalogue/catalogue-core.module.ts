import { Global, Module } from '@nestjs/common';
import { CatalogueWriter } from './catalogue-writer.service';

/** The catalogue writer, used by sync (worker) and, later, by API writes. */
@Global()
@Module({ providers: [CatalogueWriter], exports: [CatalogueWriter] })
export class CatalogueCoreModule {}
