import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '../platform/auth/auth.decorators';
import { ApiProblemResponses } from '../platform/errors/problem-responses.decorator';
import { EventListDto, ListEventsQuery } from './dto/event.dto';
import { EventFeedReader } from './event-feed.reader';

/** Events returned per page unless `limit` says otherwise. */
const DEFAULT_LIMIT = 100;

@ApiTags('events')
@ApiBearerAuth()
@Controller('v1/events')
export class EventsController {
  constructor(private readonly feed: EventFeedReader) {}

  @Get()
  @RequireScope('images:read')
  @ApiOperation({
    operationId: 'listEvents',
    summary: 'The event feed, oldest first',
    description:
      'Every change that matters, in commit-safe order: an event appears only once every transaction that ' +
      'began before it has ended, so polling with `nextCursor` never skips one. `nextCursor` is never null.',
  })
  @ApiOkResponse({ type: EventListDto })
  @ApiProblemResponses(400, 401, 403)
  async list(@Query() query: ListEventsQuery): Promise<EventListDto> {
    const page = await this.feed.page(query.after, query.type, query.limit ?? DEFAULT_LIMIT);
    return {
      items: page.items.map((e) => ({ ...e, at: e.at.toISOString() })),
      nextCursor: page.nextCursor,
    };
  }
}
