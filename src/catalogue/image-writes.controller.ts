import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RequireScope } from '../platform/auth/auth.decorators';
import { AcceptsBody, JSON_MEDIA_TYPE, MERGE_PATCH_MEDIA_TYPE } from '../platform/request-parsing/body-media-types';
import { StorableParamPipe } from '../platform/request-parsing/storable-fields';
import { ApiProblemResponses } from '../platform/errors/problem-responses.decorator';
import { CreateImageDto } from './dto/create-image.dto';
import { FIELD_LIMITS } from './dto/field-limits';
import { ImageDto } from './dto/image.dto';
import { AddMemberDto, ImageMemberDto, ImageMemberListDto, UpdateMemberDto } from './dto/image-member.dto';
import { UpdateImageDto } from './dto/update-image.dto';
import { ImageChangesService } from './image-changes.service';
import { ImageRegistrationService } from './image-registration.service';

/** Path parameters the provider stores: checked like the body fields they stand for. */
const TAG_PARAM = new StorableParamPipe('tag', FIELD_LIMITS.tag);
const MEMBER_ID_PARAM = new StorableParamPipe('memberId', FIELD_LIMITS.memberId);

@ApiTags('images')
@ApiBearerAuth()
@Controller('v1/images')
export class ImageWritesController {
  constructor(
    private readonly registration: ImageRegistrationService,
    private readonly changes: ImageChangesService,
  ) {}

  @Post()
  @RequireScope('images:write')
  @ApiOperation({
    operationId: 'createImage',
    summary: 'Register a custom image',
    description:
      'Creates the image at the provider, status pending; send its bytes with PUT /v1/images/{id}/file or an upload ' +
      'session. FPT Metal Cloud needs sizeBytes and sha256; OpenStack Glance (NHN Cloud, Vietnix) needs diskFormat ' +
      'and containerFormat, and NHN Cloud also os.type. Honours Idempotency-Key.',
  })
  @ApiCreatedResponse({ type: ImageDto })
  @ApiProblemResponses(400, 401, 403, 409, 422, 501, 503)
  async create(@Body() body: CreateImageDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<ImageDto> {
    const image = await this.registration.register(body);
    void reply.header('Location', `/v1/images/${image.id}`);
    return image;
  }

  @Patch(':id')
  @RequireScope('images:write')
  @AcceptsBody(MERGE_PATCH_MEDIA_TYPE, JSON_MEDIA_TYPE)
  @ApiOperation({
    operationId: 'updateImage',
    summary: 'Change an image',
    description: 'A JSON merge patch; on Glance it becomes a JSON patch. A null property value removes the property.',
  })
  @ApiOkResponse({ type: ImageDto })
  @ApiProblemResponses(400, 401, 403, 404, 409, 422, 501)
  update(@Param('id') id: string, @Body() patch: UpdateImageDto): Promise<ImageDto> {
    return this.changes.update(id, patch);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScope('images:write')
  @ApiOperation({
    operationId: 'deleteImage',
    summary: 'Delete an image at its provider',
    description: 'The catalogue keeps it with status deleted. A protected image answers 409.',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblemResponses(401, 403, 404, 409, 501)
  async delete(@Param('id') id: string): Promise<void> {
    await this.changes.delete(id);
  }

  @Put(':id/tags/:tag')
  @RequireScope('images:write')
  @ApiOperation({ operationId: 'addImageTag', summary: 'Add one tag', description: 'Idempotent.' })
  @ApiOkResponse({ type: ImageDto })
  @ApiProblemResponses(400, 401, 403, 404, 422, 501)
  @ApiParam({ name: 'tag', schema: { type: 'string', maxLength: FIELD_LIMITS.tag } })
  addTag(@Param('id') id: string, @Param('tag', TAG_PARAM) tag: string): Promise<ImageDto> {
    return this.changes.addTag(id, tag);
  }

  @Delete(':id/tags/:tag')
  @RequireScope('images:write')
  @ApiOperation({ operationId: 'removeImageTag', summary: 'Remove one tag', description: 'Answers the image.' })
  @ApiOkResponse({ type: ImageDto })
  @ApiProblemResponses(400, 401, 403, 404, 501)
  @ApiParam({ name: 'tag', schema: { type: 'string', maxLength: FIELD_LIMITS.tag } })
  removeTag(@Param('id') id: string, @Param('tag', TAG_PARAM) tag: string): Promise<ImageDto> {
    return this.changes.removeTag(id, tag);
  }

  @Get(':id/members')
  @RequireScope('images:read')
  @ApiOperation({
    operationId: 'listImageMembers',
    summary: 'Who the image is shared with',
    description: 'Glance members.',
  })
  @ApiOkResponse({ type: ImageMemberListDto })
  @ApiProblemResponses(401, 403, 404, 501)
  async members(@Param('id') id: string): Promise<ImageMemberListDto> {
    return { items: await this.changes.members(id), nextCursor: null };
  }

  @Post(':id/members')
  @RequireScope('images:write')
  @ApiOperation({
    operationId: 'addImageMember',
    summary: 'Share the image with a tenant',
    description: 'The image must be shared (PATCH visibility). The member starts pending until it accepts.',
  })
  @ApiCreatedResponse({ type: ImageMemberDto })
  @ApiProblemResponses(400, 401, 403, 404, 409, 422, 501)
  async addMember(
    @Param('id') id: string,
    @Body() body: AddMemberDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ImageMemberDto> {
    const member = await this.changes.addMember(id, body.memberId);
    void reply.header('Location', `/v1/images/${id}/members/${encodeURIComponent(member.memberId)}`);
    return member;
  }

  @Get(':id/members/:memberId')
  @RequireScope('images:read')
  @ApiOperation({
    operationId: 'getImageMember',
    summary: 'One member of a shared image',
    description:
      "Glance's member get-one: the owner sees any member, a member only itself. 404 when the provider has no such " +
      'membership; 422 (refused by the provider) when the image is not shared.',
  })
  @ApiOkResponse({ type: ImageMemberDto })
  @ApiProblemResponses(400, 401, 403, 404, 422, 501)
  @ApiParam({ name: 'memberId', schema: { type: 'string', maxLength: FIELD_LIMITS.memberId } })
  member(@Param('id') id: string, @Param('memberId', MEMBER_ID_PARAM) memberId: string): Promise<ImageMemberDto> {
    return this.changes.member(id, memberId);
  }

  @Put(':id/members/:memberId')
  @RequireScope('images:write')
  @ApiOperation({
    operationId: 'updateImageMember',
    summary: "Set a member's status",
    description: 'pending, accepted or rejected; at most providers only the member itself may change it.',
  })
  @ApiOkResponse({ type: ImageMemberDto })
  @ApiProblemResponses(400, 401, 403, 404, 422, 501)
  @ApiParam({ name: 'memberId', schema: { type: 'string', maxLength: FIELD_LIMITS.memberId } })
  updateMember(
    @Param('id') id: string,
    @Param('memberId', MEMBER_ID_PARAM) memberId: string,
    @Body() body: UpdateMemberDto,
  ): Promise<ImageMemberDto> {
    return this.changes.updateMember(id, memberId, body.status);
  }

  @Delete(':id/members/:memberId')
  @HttpCode(204)
  @RequireScope('images:write')
  @ApiOperation({ operationId: 'removeImageMember', summary: 'Stop sharing with a tenant', description: 'Owner only.' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiProblemResponses(400, 401, 403, 404, 501)
  @ApiParam({ name: 'memberId', schema: { type: 'string', maxLength: FIELD_LIMITS.memberId } })
  async removeMember(@Param('id') id: string, @Param('memberId', MEMBER_ID_PARAM) memberId: string): Promise<void> {
    await this.changes.removeMember(id, memberId);
  }
}
