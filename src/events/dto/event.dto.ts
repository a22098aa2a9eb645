import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { EVENT_TYPES, type EventType } from '../../platform/events/event-types';

/** `GET /v1/events`: where to go on from, which types, how many. */
export class ListEventsQuery {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page; absent: from the first event', maxLength: 128 })
  @IsOptional()
  @IsString()
  // A cursor is two 64-bit numbers, base64url: anything longer is not one, refused before it is decoded.
  @MaxLength(128)
  after?: string;

  @ApiPropertyOptional({
    enum: EVENT_TYPES,
    isArray: true,
    description: 'Only these types (repeat the parameter for several)',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (Array.isArray(value) ? value : [value]))
  @IsIn(EVENT_TYPES, { each: true, message: `type must be one of ${EVENT_TYPES.join(', ')}` })
  type?: EventType[];

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export class EventDto {
  @ApiProperty({ type: String, description: 'The event id (also the `webhook-id` of its deliveries)' })
  id!: string;
  @ApiProperty({ enum: EVENT_TYPES })
  type!: string;
  @ApiProperty({ type: String, format: 'date-time' })
  at!: string;
  @ApiProperty({ description: 'What it is about: `images/{id}`, `jobs/{id}`, `families/{name}/versions/{version}`' })
  subject!: string;
  @ApiProperty({ type: 'object', additionalProperties: true })
  data!: Record<string, unknown>;
}

export class EventListDto {
  @ApiProperty({ type: [EventDto] })
  items!: EventDto[];
  @ApiProperty({
    type: String,
    description: 'Never null: poll with it; the same cursor comes back while nothing new has committed',
  })
  nextCursor!: string;
}
