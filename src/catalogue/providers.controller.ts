import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RequireScope } from '../platform/auth/auth.decorators';
import { AcceptsBody, JSON_MEDIA_TYPE, MERGE_PATCH_MEDIA_TYPE } from '../platform/request-parsing/body-media-types';
import { JobDto } from '../jobs/dto/job.dto';
import { presentJob } from '../jobs/job.presenter';
import { ApiProblemResponses } from '../platform/errors/problem-responses.decorator';
import {
  CreateProviderRequestDto,
  UpdateProviderRequestDto,
} from '../providers/connections/provider-connection-request.dto';
import { ProviderConnectionsService } from '../providers/connections/provider-connections.service';
import { ProviderDto, ProviderListDto } from './dto/provider.dto';
import { SyncRequestDto } from './dto/sync-request.dto';
import { ProvidersService } from './providers.service';

@ApiTags('providers')
@ApiBearerAuth()
@Controller('v1/providers')
export class ProvidersController {
  constructor(
    private readonly providers: ProvidersService,
    private readonly connections: ProviderConnectionsService,
  ) {}

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

  @Post()
  @RequireScope('admin')
  @ApiOperation({
    operationId: 'createProvider',
    summary: 'Add a provider connection at run time',
    description:
      'The body is an entry of PROVIDERS_FILE. Credentials are encrypted at rest with SECRETS_KEY and never returned. ' +
      'Every replica picks the connection up within a second.',
  })
  @ApiBody({ type: CreateProviderRequestDto })
  @ApiCreatedResponse({ type: ProviderDto, description: 'The connection; `Location` points at the provider list' })
  @ApiProblemResponses(400, 401, 403, 409, 503)
  async create(
    // `unknown`, so the global ValidationPipe leaves it alone: which fields a connection has is for the
    // class of its kind to say (ProviderConnectionsService), among the kinds this broker holds.
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ProviderDto> {
    const name = await this.connections.create(body);
    void reply.header('Location', `/v1/providers/${name}`);
    return this.providers.describe(name);
  }

  @Patch(':name')
  @RequireScope('admin')
  @AcceptsBody(MERGE_PATCH_MEDIA_TYPE, JSON_MEDIA_TYPE)
  @ApiOperation({
    operationId: 'updateProvider',
    summary: 'Change a connection created through the API',
    description:
      'A JSON merge patch of its settings; `auth`, when given, replaces the whole block. File connections are read-only (409).',
  })
  @ApiBody({ type: UpdateProviderRequestDto })
  @ApiOkResponse({ type: ProviderDto })
  @ApiProblemResponses(400, 401, 403, 404, 409, 503)
  // `unknown` for the same reason as create's body.
  async update(@Param('name') name: string, @Body() patch: unknown): Promise<ProviderDto> {
    await this.connections.update(name, patch);
    return this.providers.describe(name);
  }

  @Delete(':name')
  @HttpCode(204)
  @RequireScope('admin')
  @ApiOperation({
    operationId: 'deleteProvider',
    summary: 'Remove a connection created through the API',
    description: 'Its images leave the catalogue with it. File connections are read-only (409).',
  })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiProblemResponses(401, 403, 404, 409)
  async delete(@Param('name') name: string): Promise<void> {
    await this.connections.delete(name);
  }
}
