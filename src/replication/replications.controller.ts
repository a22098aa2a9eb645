import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RequireScope } from '../platform/auth/auth.decorators';
import { ApiProblemResponses } from '../platform/errors/problem-responses.decorator';
import { CreateReplicationDto, ReplicationDto, ReplicationListDto } from './replication.dto';
import { ReplicationService } from './replication.service';

@ApiTags('images')
@ApiBearerAuth()
@Controller('v1/images/:id/replications')
export class ReplicationsController {
  constructor(private readonly replications: ReplicationService) {}

  @Post()
  @HttpCode(202)
  @RequireScope('images:write')
  @ApiOperation({
    operationId: 'replicateImage',
    summary: 'Copy an image to other providers',
    description:
      'One job per target. A target that already holds an image with the same sha256 reuses it. The source is read once ' +
      'for all targets; every copy is checked against its checksum. A target may give the name, visibility (private ' +
      "when omitted) and os fields of its copy, in place of the source's (NHN Cloud requires os.type). Every target is " +
      "checked with its provider's own rules before any job is queued: 422 names targets[i].<field> and the provider " +
      'for an unknown provider or region, the source itself, a target without create or upload, what the target would ' +
      'refuse (os.type, visibility, disk or container format), and an image that is not active.',
  })
  @ApiAcceptedResponse({ type: ReplicationDto })
  @ApiProblemResponses(400, 401, 403, 404, 422)
  async create(
    @Param('id') id: string,
    @Body() body: CreateReplicationDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReplicationDto> {
    const replication = await this.replications.create(id, body);
    void reply.header('Location', `/v1/images/${id}/replications`);
    return replication;
  }

  @Get()
  @RequireScope('images:read')
  @ApiOperation({
    operationId: 'listReplications',
    summary: "An image's replications",
    description: "Each target's status (its job's state), the copy's image id, the job and its error. Newest first.",
  })
  @ApiOkResponse({ type: ReplicationListDto })
  @ApiProblemResponses(401, 403, 404)
  async list(@Param('id') id: string): Promise<ReplicationListDto> {
    return { items: await this.replications.list(id), nextCursor: null };
  }

  @Post(':replicationId/targets/:targetId/retry')
  @HttpCode(202)
  @RequireScope('images:write')
  @ApiOperation({
    operationId: 'retryReplicationTarget',
    summary: 'Run one failed target again',
    description:
      'Only that target; it keeps the copy already registered at the provider. 409 unless failed or cancelled.',
  })
  @ApiAcceptedResponse({ type: ReplicationDto })
  @ApiProblemResponses(401, 403, 404, 409)
  async retry(
    @Param('id') id: string,
    @Param('replicationId') replicationId: string,
    @Param('targetId') targetId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReplicationDto> {
    const replication = await this.replications.retry(id, replicationId, targetId);
    void reply.header('Location', `/v1/images/${id}/replications`);
    return replication;
  }
}
