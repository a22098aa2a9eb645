import { Body, Controller, Param, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '../../platform/auth/auth.decorators';
import { CallingKey } from '../../platform/auth/calling-key.decorator';
import { ApiProblemResponses } from '../../platform/errors/problem-responses.decorator';
import { AcceptsBody, JSON_MEDIA_TYPE, MERGE_PATCH_MEDIA_TYPE } from '../../platform/request-parsing/body-media-types';
import { FamilyVersionDto } from '../dto/family-version.dto';
import { UpdateVersionStateDto } from '../dto/version-state.dto';
import { FAMILY_PARAM, VERSION_PARAM } from '../family-params';
import { VersionLifecycleService } from './version-lifecycle.service';

@ApiTags('families')
@ApiBearerAuth()
@Controller('v1/families/:family/versions')
export class VersionLifecycleController {
  constructor(private readonly lifecycle: VersionLifecycleService) {}

  @Patch(':version')
  @RequireScope('images:write')
  @AcceptsBody(JSON_MEDIA_TYPE, MERGE_PATCH_MEDIA_TYPE)
  @ApiOperation({
    operationId: 'updateVersionState',
    summary: "Change a version's lifecycle state, now or at a later time",
    description:
      '`deprecated` (resolve still answers, with `Deprecation`), `obsolete` and `revoked` (resolve answers 410), or ' +
      '`active` again; with a future `stateAt` the change is kept as `scheduled` and carried out on time by the ' +
      'workers. Revoking or making obsolete a version that channels point at is 409 naming them, unless ' +
      '`moveChannelsTo` moves them in the same request or `force` is set. `replacement` must be another version ' +
      'of the family.',
  })
  @ApiOkResponse({ type: FamilyVersionDto })
  @ApiProblemResponses(400, 401, 403, 404, 409, 422)
  change(
    @Param('family', FAMILY_PARAM) family: string,
    @Param('version', VERSION_PARAM) version: string,
    @Body() body: UpdateVersionStateDto,
    @CallingKey() by: string,
  ): Promise<FamilyVersionDto> {
    return this.lifecycle.change(family, version, body, by);
  }
}
