import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RequireScope } from '../auth/auth.decorators';
import { JobDto } from '../jobs/dto/job.dto';
import { presentJob } from '../jobs/job.presenter';
import { ApiProblemResponses } from '../openapi/problem-responses.decorator';
import { ProviderListDto } from './dto/provider.dto';
import { SyncRequestDto } from './dto/sync-request.dto';
import { ProvidersService } from './providers.service';

@ApiTags('providers')
@ApiBearerAuth()
@Controller('v1/providers')
export class ProvidersController {
  constructor(private readonly providers: ProvidersService) {}

  @Get()
  @RequireScope('images:read')
  @ApiOperation({
    operationId: 'listProviders',
    summary: 'Provider connections, their capabilities and sync health',
    description: 'Each connection with the operations its provider supports and the outcome of its last sync.',
  })
  @ApiOkResponse({ type: ProviderListDto })
  @ApiProblemResponses(401, 403)
  list(): Promise<ProviderListDto> {
    return this.providers.list();
  }

  @Post(':name/sync')
  @HttpCode(202)
  @RequireScope('jobs:write')
  @ApiOperation({
    operationId: 'syncProvider',
    summary: 'Queue a catalogue sync',
    description: 'While a sync of this provider is queued or running, answers that job instead of queueing another.',
  })
  @ApiBody({ type: SyncRequestDto, required: false, description: 'Nothing to set yet; may be omitted' })
  @ApiAcceptedResponse({ type: JobDto, description: 'The sync job; `Location` points at it' })
  @ApiProblemResponses(401, 403, 404)
  async sync(
    @Param('name') name: string,
    @Body() _body: SyncRequestDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<JobDto> {
    const job = await this.providers.sync(name);
    void reply.header('Location', `/v1/jobs/${job.id}`);
    return presentJob(job);
  }
}
