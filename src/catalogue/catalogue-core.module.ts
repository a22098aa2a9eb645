import { Global, Module } from '@nestjs/common';
import { CatalogueVersion } from './catalogue-version';
import { CatalogueWriter } from './catalogue-writer.service';

/** What both roles need of the catalogue: the writer (worker) and the version its readers cache by (API). */
@Global()
@Module({ providers: [CatalogueVersion, CatalogueWriter], exports: [CatalogueVersion, CatalogueWriter] })
export class CatalogueCoreModule {}
