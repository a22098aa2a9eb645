import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CallingKey } from '../../platform/auth/calling-key.decorator';
import { RequireScope } from '../../platform/auth/auth.decorators';
import { ApiProblemResponses } from '../../platform/errors/problem-responses.decorator';
import { ChannelDto, ChannelListDto, MoveChannelDto } from '../dto/channel.dto';
import { CHANNEL_PARAM, FAMILY_PARAM } from '../family-params';
import { ChannelsService } from './channels.service';

@ApiTags('families')
@ApiBearerAuth()
@Controller('v1/families/:family/channels')
export class ChannelsController {
  constructor(private readonly channels: ChannelsService) {}

  @Get()
  @RequireScope('images:read')
  @ApiOperation({
    operationId: 'listChannels',
    summary: "A family's channels and the version each points at",
    description: 'In name order; `GET …/channels/{channel}` shows one with its moves.',
  })
  @ApiOkResponse({ type: ChannelListDto })
  @ApiProblemResponses(400, 401, 403, 404)
  list(@Param('family', FAMILY_PARAM) family: string): Promise<ChannelListDto> {
    return this.channels.list(family);
  }

  @Get(':channel')
  @RequireScope('images:read')
  @ApiOperation({
    operationId: 'getChannel',
    summary: 'A channel: its version and its moves, newest first',
    description: 'Each move says from which version to which, when and by which API key: a rollback is a move back.',
  })
  @ApiOkResponse({ type: ChannelDto })
  @ApiProblemResponses(400, 401, 403, 404)
  get(
    @Param('family', FAMILY_PARAM) family: string,
    @Param('channel', CHANNEL_PARAM) channel: string,
  ): Promise<ChannelDto> {
    return this.channels.get(family, channel);
  }

  @Put(':channel')
  @RequireScope('images:write')
  @ApiOperation({
    operationId: 'moveChannel',
    summary: 'Point a channel at a version (creating the channel on its first move)',
    description:
      'Refused with 409, naming each target and its placement status, while the version is not `active` on every ' +
      'current target of the family; `force: true` moves it anyway. A revoked or obsolete version is always refused. ' +
      'Moving a channel to the version it already points at changes nothing and records no move.',
  })
  @ApiOkResponse({ type: ChannelDto })
  @ApiProblemResponses(400, 401, 403, 404, 409)
  move(
    @Param('family', FAMILY_PARAM) family: string,
    @Param('channel', CHANNEL_PARAM) channel: string,
    @Body() body: MoveChannelDto,
    @CallingKey() by: string,
  ): Promise<ChannelDto> {
    return this.channels.move(family, channel, body, by);
  }
}
