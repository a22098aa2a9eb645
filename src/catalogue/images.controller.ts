import { Controller, Get, Param, Query, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '../platform/auth/auth.decorators';
import { ApiProblemResponses } from '../platform/errors/problem-responses.decorator';
import { ImageDto, ImageListDto } from './dto/image.dto';
import { ListImagesQuery } from './dto/list-images.query';
import { CataloguePageCacheInterceptor } from './catalogue-page-cache.interceptor';
import { ImagesService } from './images.service';

@ApiTags('images')
@ApiBearerAuth()
@Controller('v1/images')
export class ImagesController {
  constructor(private readonly images: ImagesService) {}

  @Get()
  @RequireScope('images:read')
  @ApiOperation({
    operationId: 'listImages',
    summary: 'The catalogue across providers, filtered, sorted and paged',
    description:
      'Every filter combines with AND. Images marked deleted (gone upstream) are left out unless `status=deleted`. ' +
      'Pages are keyset-based: pass `nextCursor` back as `cursor` with the same sort until it is null. ' +
      'Every page has an `ETag`; send it back as `If-None-Match` to be answered 304 while the page is unchanged.',
  })
  @ApiHeader({
    name: 'If-None-Match',
    required: false,
    description: 'The `ETag` of a copy of this page the caller holds: 304 without a body while the page is unchanged.',
  })
  @ApiOkResponse({
    type: ImageListDto,
    headers: {
      ETag: { description: 'Entity tag of this page (strong, drawn from its bytes).', schema: { type: 'string' } },
    },
  })
  @ApiResponse({ status: 304, description: 'The page is unchanged since the `ETag` sent as `If-None-Match`.' })
  @ApiProblemResponses(400, 401, 403)
  @UseInterceptors(CataloguePageCacheInterceptor)
  list(@Query() query: ListImagesQuery): Promise<ImageListDto> {
    return this.images.list(query);
  }

  @Get(':id')
  @RequireScope('images:read')
  @ApiOperation({
    operationId: 'getImage',
    summary: 'One image',
    description: 'An image of the catalogue by its broker id, deleted ones included.',
  })
  @ApiOkResponse({ type: ImageDto })
  @ApiProblemResponses(401, 403, 404)
  get(@Param('id') id: string): Promise<ImageDto> {
    return this.images.get(id);
  }
}
