import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

/** Body of PUT /v1/families/{family}/channels/{channel}. */
export class MoveChannelDto {
  @ApiProperty({ example: '2026.12', description: 'The version the channel is to point at', maxLength: 128 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  version!: string;

  @ApiPropertyOptional({
    default: false,
    description: 'Move even while the version is not active on every target of the family',
  })
  @IsOptional()
  @IsBoolean()
  force?: boolean;
}

export class ChannelMoveDto {
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The version it pointed at before; null for its first move',
  })
  from!: string | null;
  @ApiProperty({ example: '2026.12' })
  to!: string;
  @ApiProperty({ format: 'date-time' })
  at!: string;
  @ApiProperty({ example: 'release-bot', description: 'The API key that moved it' })
  by!: string;
  @ApiProperty({ description: 'Moved with force: true' })
  forced!: boolean;
}

export class ChannelSummaryDto {
  @ApiProperty({ example: 'stable' })
  channel!: string;
  @ApiProperty({ example: '2026.12' })
  version!: string;
  @ApiProperty({ format: 'date-time', description: 'When it last moved' })
  updatedAt!: string;
}

export class ChannelDto extends ChannelSummaryDto {
  @ApiProperty({ type: [ChannelMoveDto], description: 'Its moves, newest first (the latest 100)' })
  history!: ChannelMoveDto[];
}

export class ChannelListDto {
  @ApiProperty({ type: [ChannelSummaryDto] })
  items!: ChannelSummaryDto[];
}
