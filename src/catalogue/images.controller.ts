import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RequireScope } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../openapi/problem-responses.decorator';
import { ImageDto, ImageListDto } from './dto/image.dto';
import { ListImagesQuery } from './dto/list-images.query';
import { CatalogueResponseCache } from './catalogue-response-cache';
import { ImagesService } from './images.service';

@ApiTags('images')
@ApiBearerAuth()
@Controller('v1/images')
export class ImagesController {
  constructor(
    private readonly images: ImagesService,
    private readonly cache: CatalogueResponseCache,
  ) {}

  @Get()
  @RequireScope('images:read')
  @ApiOperation({
    operationId: 'listImages',
    summary: 'The catalogue across providers, filtered, sorted and paged',
    description:
      'Every filter combines with AND. Images marked deleted (gone upstream) are left out unless `status=deleted`. ' +
      'Pages are keyset-based: pass `nextCursor` back as `cursor` with the same sort until it is null.',
  })
  @ApiOkResponse({ type: ImageListDto })
  @ApiProblemResponses(400, 401, 403)
  async list(@Query() query: ListImagesQuery, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const key = JSON.stringify(Object.entries(query).sort(([a], [b]) => (a < b ? -1 : 1)));
    const body = await this.cache.getOrCompute(key, async () => JSON.stringify(await this.images.list(query)));
    void reply.header('content-type', 'application/json; charset=utf-8');
    return body;
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
