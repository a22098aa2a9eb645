import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../openapi/problem-responses.decorator';
import { JobDto, JobListDto, ListJobsQuery } from './dto/job.dto';
import { presentJob } from './job.presenter';
import { JobService } from './job.service';

@ApiTags('jobs')
@ApiBearerAuth()
@Controller('v1/jobs')
export class JobsController {
  constructor(private readonly jobs: JobService) {}

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
}
