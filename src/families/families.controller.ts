import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RequireScope } from '../platform/auth/auth.decorators';
import { ApiProblemResponses } from '../platform/errors/problem-responses.decorator';
import { AcceptsBody, JSON_MEDIA_TYPE, MERGE_PATCH_MEDIA_TYPE } from '../platform/request-parsing/body-media-types';
import {
  CreateFamilyDto,
  DeleteImagesQuery,
  FamilyDto,
  FamilyListDto,
  ListFamiliesQuery,
  UpdateFamilyDto,
} from './dto/family.dto';
import { FamiliesReader } from './families.reader';
import { FamilyWriter } from './family-writer';

const flag = (value: 'true' | 'false' | undefined) => (value === undefined ? undefined : value === 'true');

@ApiTags('families')
@ApiBearerAuth()
@Controller('v1/families')
export class FamiliesController {
  constructor(
    private readonly reader: FamiliesReader,
    private readonly writer: FamilyWriter,
  ) {}

  @Post()
  @RequireScope('images:write')
  @ApiOperation({
    operationId: 'createFamily',
    summary: 'Create an image family',
    description:
      'A name, what every version is (os, gpu), the targets every version is placed on (provider connections, with ' +
      'a region where the connection has several) and what a drifted placement gets. 422 names a target whose ' +
      'connection does not exist or whose region is missing or unknown; 409 when the name is taken.',
  })
  @ApiCreatedResponse({ type: FamilyDto })
  @ApiProblemResponses(400, 401, 403, 409, 422)
  async create(@Body() body: CreateFamilyDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<FamilyDto> {
    const family = await this.writer.create(body);
    void reply.header('Location', `/v1/families/${family.name}`);
    return family;
  }

  @Get()
  @RequireScope('images:read')
  @ApiOperation({ operationId: 'listFamilies', summary: 'Image families', description: 'By name, keyset-paged.' })
  @ApiOkResponse({ type: FamilyListDto })
  @ApiProblemResponses(400, 401, 403)
  list(@Query() query: ListFamiliesQuery): Promise<FamilyListDto> {
    return this.reader.list(query);
  }

  @Get(':family')
  @RequireScope('images:read')
  @ApiOperation({
    operationId: 'getFamily',
    summary: 'One image family',
    description: 'Its os, gpu, targets and drift policy.',
  })
  @ApiOkResponse({ type: FamilyDto })
  @ApiProblemResponses(401, 403, 404)
  get(@Param('family') family: string): Promise<FamilyDto> {
    return this.reader.get(family);
  }

  @Patch(':family')
  @RequireScope('images:write')
  @AcceptsBody(MERGE_PATCH_MEDIA_TYPE, JSON_MEDIA_TYPE)
  @ApiOperation({
    operationId: 'updateFamily',
    summary: 'Change a family',
    description:
      'A merge patch of description, os, gpu, onDrift and targets (the whole list). An added target gets the ' +
      "family's current versions placed (those a channel points at; without channels, the newest active version), " +
      'checked like a publish (422 names the target). A removed target stops being tracked: its placements become ' +
      'removed and their jobs are cancelled; with ?deleteImages=true the copies the family made there are deleted ' +
      'at the provider too.',
  })
  @ApiOkResponse({ type: FamilyDto })
  @ApiProblemResponses(400, 401, 403, 404, 422, 501)
  update(
    @Param('family') family: string,
    @Body() patch: UpdateFamilyDto,
    @Query() query: DeleteImagesQuery,
  ): Promise<FamilyDto> {
    return this.writer.update(family, patch, flag(query.deleteImages) ?? false);
  }

  @Delete(':family')
  @HttpCode(204)
  @RequireScope('images:write')
  @ApiOperation({
    operationId: 'deleteFamily',
    summary: 'Delete a family',
    description:
      'With its versions, placements and channels. A family with placements needs ?deleteImages=true (the copies ' +
      'it made at the providers are deleted first) or ?deleteImages=false (they stay, untracked); without it, 422 ' +
      'naming deleteImages.',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblemResponses(400, 401, 403, 404, 409, 422, 501)
  async delete(@Param('family') family: string, @Query() query: DeleteImagesQuery): Promise<void> {
    await this.writer.delete(family, flag(query.deleteImages));
  }
}
