import { Module } from '@nestjs/common';
import { CatalogueResponseCache } from './catalogue-response-cache';
import { ImagesController } from './images.controller';
import { ImagesService } from './images.service';
import { ProvidersController } from './providers.controller';
import { ProvidersService } from './providers.service';

/** The catalogue API: images and provider connections. */
@Module({
  controllers: [ImagesController, ProvidersController],
  providers: [ImagesService, ProvidersService, CatalogueResponseCache],
})
export class CatalogueModule {}
