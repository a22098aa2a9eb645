import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RequireScope } from '../platform/auth/auth.decorators';
import { CallerKeyId } from '../platform/auth/caller-key.decorator';
import { ApiProblemResponses } from '../platform/errors/problem-responses.decorator';
import { PageQuery } from '../platform/pagination/page.query';
import { FamilyVersionDto, FamilyVersionListDto } from './dto/family-version.dto';
import { PublishVersionDto } from './dto/publish-version.dto';
import { FamilyLookup } from './family-lookup';
import { FamilyVersionReader } from './family-version.reader';
import { PlacementKeeper } from './placement-keeper';
import { VersionPages } from './version-pages';
import { VersionPublisher } from './version-publisher';

@ApiTags('families')
@ApiBearerAuth()
@Controller('v1/families/:family/versions')
export class FamilyVersionsController {
  constructor(
    private readonly publisher: VersionPublisher,
    private readonly pages: VersionPages,
    private readonly keeper: PlacementKeeper,
    private readonly lookup: FamilyLookup,
    private readonly reader: FamilyVersionReader,
  ) {}

  @Post()
  @HttpCode(202)
  @RequireScope('images:write')
  @ApiOperation({
    operationId: 'publishFamilyVersion',
    summary: 'Publish a version and place it on every target',
    description:
      'An active broker image with a sha256 becomes the version; the sha256 is its identity (409 when the family ' +
      'already has that sha256 or that version string). One replicate job per target; an identical image already ' +
      'at a target is reused, and the target holding the image itself is active at once. 422 names every target ' +
      'that cannot take it (a provider without create or upload, a field its rules require such as os.type for ' +
      'NHN Cloud), before any job or call to a provider.',
  })
  @ApiAcceptedResponse({ type: FamilyVersionDto })
  @ApiProblemResponses(400, 401, 403, 404, 409, 422)
  async publish(
    @Param('family') family: string,
    @Body() body: PublishVersionDto,
    @CallerKeyId() keyId: string | null,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<FamilyVersionDto> {
    const version = await this.publisher.publish(family, body, keyId);
    void reply.header('Location', `/v1/families/${family}/versions/${version.version}`);
    return version;
  }

  @Get()
  @RequireScope('images:read')
  @ApiOperation({ operationId: 'listFamilyVersions', summary: "A family's versions", description: 'Newest first.' })
  @ApiOkResponse({ type: FamilyVersionListDto })
  @ApiProblemResponses(400, 401, 403, 404)
  list(@Param('family') family: string, @Query() query: PageQuery): Promise<FamilyVersionListDto> {
    return this.pages.list(family, query);
  }

  @Get(':version')
  @RequireScope('images:read')
  @ApiOperation({
    operationId: 'getFamilyVersion',
    summary: 'One version with its placements',
    description: "Each placement's provider, region, broker imageId, nativeId, status, job and error.",
  })
  @ApiOkResponse({ type: FamilyVersionDto })
  @ApiProblemResponses(401, 403, 404)
  get(@Param('family') family: string, @Param('version') version: string): Promise<FamilyVersionDto> {
    return this.pages.get(family, version);
  }

  @Post(':version/placements/:placementId/retry')
  @HttpCode(202)
  @RequireScope('images:write')
  @ApiOperation({
    operationId: 'retryPlacement',
    summary: 'Place one failed or drifted copy again',
    description:
      'A failed placement runs its replication target again (keeping the copy registered at the provider); a ' +
      'drifted one is copied afresh. 409 for any other status.',
  })
  @ApiAcceptedResponse({ type: FamilyVersionDto })
  @ApiProblemResponses(401, 403, 404, 409, 422)
  async retry(
    @Param('family') family: string,
    @Param('version') version: string,
    @Param('placementId') placementId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<FamilyVersionDto> {
    const found = await this.lookup.version(family, version);
    await this.keeper.replace(placementId, found.version.id);
    void reply.header('Location', `/v1/families/${family}/versions/${found.version.version}`);
    return this.reader.describe(found.family, found.version);
  }
}
