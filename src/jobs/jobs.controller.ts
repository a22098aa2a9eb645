import { Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RequireScope } from '../platform/auth/auth.decorators';
import { ApiProblemResponses } from '../platform/errors/problem-responses.decorator';
import { JobDto, JobListDto, ListJobsQuery } from './dto/job.dto';
import { presentJob } from './job.presenter';
import { ShutdownSignal } from '../platform/lifecycle/shutdown-signal';
import { jobEventId, RETRY_MS, streamJobEvents } from './job-events.stream';
import { JobService } from './job.service';

@ApiTags('jobs')
@ApiBearerAuth()
@Controller('v1/jobs')
export class JobsController {
  constructor(
    private readonly jobs: JobService,
    private readonly shutdown: ShutdownSignal,
  ) {}

  @Get()
  @RequireScope('images:read')
  @ApiOperation({
    operationId: 'listJobs',
    summary: 'Jobs, newest first',
    description: 'Filter by type, state, provider or image; keyset-paged like the catalogue.',
  })
  @ApiOkResponse({ type: JobListDto })
  @ApiProblemResponses(400, 401, 403)
  list(@Query() query: ListJobsQuery): Promise<JobListDto> {
    return this.jobs.list(query);
  }

  @Get(':id')
  @RequireScope('images:read')
  @ApiOperation({
    operationId: 'getJob',
    summary: 'One job',
    description: 'State, progress, attempts and the last error of a job.',
  })
  @ApiOkResponse({ type: JobDto })
  @ApiProblemResponses(401, 403, 404)
  async get(@Param('id') id: string): Promise<JobDto> {
    return presentJob(await this.jobs.get(id));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @RequireScope('jobs:write')
  @ApiOperation({
    operationId: 'cancelJob',
    summary: 'Stop a queued or running job',
    description:
      'Any job type. A running upload is aborted, the provider-side multipart upload and the staged bytes are ' +
      'removed, and the image goes back to pending. FPT frees an upload only with its registration, so there the ' +
      'image is registered again: its nativeId changes, its id does not. 409 when the job has already ended.',
  })
  @ApiOkResponse({ type: JobDto })
  @ApiProblemResponses(401, 403, 404, 409)
  async cancel(@Param('id') id: string): Promise<JobDto> {
    return presentJob(await this.jobs.cancel(id));
  }

  @Get(':id/events')
  @RequireScope('images:read')
  @ApiOperation({
    operationId: 'jobEvents',
    summary: "A job's state and progress as server-sent events",
    description:
      'Events `state`, `progress` and, last, `end`, each with the job as JSON data; the stream closes when the job ' +
      'ends, or when this replica shuts down (reconnect to go on). It opens with `retry: ' +
      RETRY_MS +
      "`. Each event's `id` is derived from the state it shows, `run.phase.bytesDone` (the current run's start in " +
      'epoch ms or 0, then 0 queued, 1 running without a total, 2 running with one, 3 queued again after a run, 4 ' +
      'ended): the same state has the same id on every connection and replica, and a later state a greater one, ' +
      'compared number by number. Reconnecting with `Last-Event-ID` skips the state it names while the job is still ' +
      'in it, and sends the current one at once if the job moved; for a job that has ended with exactly that state ' +
      'the answer is 204, which tells an EventSource to stop reconnecting.',
  })
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description: 'The `id` of the last event received, which an EventSource sends when it reconnects',
    schema: { type: 'string', maxLength: 255 },
  })
  @ApiResponse({
    status: 200,
    description: 'A stream of server-sent events; `: keep-alive` comments keep an idle connection open',
    content: {
      'text/event-stream': {
        schema: { type: 'string' },
        example:
          'id: 1764927000000.2.1048576\nevent: progress\ndata: {"id":"6d7f0a1e-3c1b-4f7a-9d0e-2b9c5e1f4a33","type":"upload",' +
          '"state":"running","progress":{"bytesDone":1048576,"bytesTotal":4194304}}\n\n',
      },
    },
  })
  @ApiNoContentResponse({ description: 'The job has ended and the client already has its last event' })
  @ApiProblemResponses(401, 403, 404)
  async events(
    @Param('id') id: string,
    @Headers('last-event-id') lastEventIdHeader: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const job = await this.jobs.get(id);
    const lastEventId = lastEventIdHeader && lastEventIdHeader.length <= 64 ? lastEventIdHeader.trim() : null;
    if (lastEventId !== null && ENDED_STATES.has(job.state) && jobEventId(job) === lastEventId) {
      await reply.status(204).send();
      return;
    }
    reply.hijack();
    const closed = new AbortController();
    reply.raw.on('close', () => closed.abort());
    const until = AbortSignal.any([closed.signal, this.shutdown.signal]);
    await streamJobEvents(reply.raw, () => this.jobs.get(job.id).catch(() => null), until, lastEventId);
  }
}

const ENDED_STATES = new Set(['succeeded', 'failed', 'cancelled']);
