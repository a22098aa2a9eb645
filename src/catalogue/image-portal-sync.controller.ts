import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '../platform/auth/auth.decorators';
import { ApiProblemResponses } from '../platform/errors/problem-responses.decorator';
import { ImageDto } from './dto/image.dto';
import { PortalSyncService } from './portal-sync.service';

/** The provider's publish-after-upload step as a route of its own, so a failed one can be run again. */
@ApiTags('images')
@ApiBearerAuth()
@Controller('v1/images')
export class ImagePortalSyncController {
  constructor(private readonly portalSync: PortalSyncService) {}

  @Post(':id/portal-sync')
  @HttpCode(200)
  @RequireScope('images:write')
  @ApiOperation({
    operationId: 'syncImageToPortal',
    summary: "Publish an uploaded image to the provider's portal",
    description:
      "Runs the provider's own publish step for an image whose bytes have landed: on FPT Metal Cloud, " +
      "syncImage (POST …/hpc/images/{hpc_file_id}/sync/), which shows the image in FPT Cloud's console. " +
      'An upload runs it once its bytes landed; when that fails the image stays active with `portalSync.state` ' +
      '`pending`, and this route runs it again. Safe to repeat. 501 for a provider without such a step; ' +
      '409 for an image that is not active.',
  })
  @ApiOkResponse({ type: ImageDto, description: 'The image, `portalSync.state` synced' })
  @ApiProblemResponses(401, 403, 404, 409, 501, 502, 503)
  sync(@Param('id') id: string): Promise<ImageDto> {
    return this.portalSync.run(id);
  }
}
