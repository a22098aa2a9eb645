import { Controller, Get, Param, Query, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '../../platform/auth/auth.decorators';
import { ApiProblemResponses } from '../../platform/errors/problem-responses.decorator';
import { ResolvedImageDto, ResolveQuery } from '../dto/resolve.dto';
import { FAMILY_PARAM } from '../family-params';
import { ResolveCacheInterceptor } from './resolve-cache.interceptor';
import { VersionResolver, type ResolveAnswer } from './version-resolver';

const header = (description: string) => ({ description, schema: { type: 'string' } });

@ApiTags('families')
@ApiBearerAuth()
@Controller('v1/families/:family/resolve')
export class ResolveController {
  constructor(private readonly resolver: VersionResolver) {}

  @Get()
  @RequireScope('images:read')
  @ApiOperation({
    operationId: 'resolveFamily',
    summary: 'The native image a channel stands for on one target',
    description:
      '`channel=latest` (the default) is the newest version active on the target and neither deprecated, obsolete ' +
      'nor revoked. 404 names the placement status when the version has no active copy there (or says the provider ' +
      'is not a target); 410 for a revoked or obsolete version names its replacement. A deprecated version answers ' +
      '200 with `Deprecation` and, when it is scheduled to become obsolete or revoked, `Sunset` and a ' +
      '`successor-version` link. Cached and tagged like the catalogue: send the `ETag` as `If-None-Match` for a 304.',
  })
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'An `ETag` of this answer the caller holds' })
  @ApiOkResponse({
    type: ResolvedImageDto,
    headers: {
      ETag: header('Entity tag of this answer'),
      Deprecation: header('RFC 9745: `@<unix seconds>` when the version is (or is scheduled to be) deprecated'),
      Sunset: header('RFC 8594: when the version is scheduled to become obsolete or revoked'),
      Link: header('`<…/resolve?version=…>; rel="successor-version"`: its replacement on the same target'),
    },
  })
  @ApiResponse({ status: 304, description: 'Unchanged since the `ETag` sent as `If-None-Match`.' })
  @ApiProblemResponses(400, 401, 403, 404, 410)
  @UseInterceptors(ResolveCacheInterceptor)
  resolve(@Param('family', FAMILY_PARAM) family: string, @Query() query: ResolveQuery): Promise<ResolveAnswer> {
    return this.resolver.resolve(family, query);
  }
}
