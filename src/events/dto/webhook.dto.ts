import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { EVENT_TYPES, type EventType } from '../../platform/events/event-types';

export class CreateWebhookRequestDto {
  @ApiProperty({ description: 'http(s) URL the deliveries are POSTed to; passes the same address guard as imports' })
  @IsString()
  @MaxLength(2048)
  url!: string;

  @ApiProperty({ enum: EVENT_TYPES, isArray: true, description: 'The event types this URL receives' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(EVENT_TYPES.length)
  @IsIn(EVENT_TYPES, { each: true, message: `each of events must be one of ${EVENT_TYPES.join(', ')}` })
  events!: EventType[];

  @ApiPropertyOptional({
    description: 'Signing secret, `whsec_` and 24–64 bytes of base64; generated when absent. Returned only now.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  secret?: string;
}

export class WebhookDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty()
  url!: string;
  @ApiProperty({ enum: EVENT_TYPES, isArray: true })
  events!: string[];
  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: string;
  @ApiProperty({ description: 'The API key that registered it' })
  createdBy!: string;
}

export class CreatedWebhookDto extends WebhookDto {
  @ApiProperty({ description: 'The signing secret (`whsec_…`): shown this once, never again' })
  secret!: string;
}

export class WebhookListDto {
  @ApiProperty({ type: [WebhookDto] })
  items!: WebhookDto[];
}

export class DeliveryAttemptDto {
  @ApiProperty({ description: '1 for the first attempt' })
  attempt!: number;
  @ApiProperty({ type: String, format: 'date-time' })
  at!: string;
  @ApiProperty({ type: Number, nullable: true, description: "The receiver's HTTP status; null when none came" })
  statusCode!: number | null;
  @ApiProperty({ type: String, nullable: true, description: 'Why the attempt failed (timeout, refused, non-2xx)' })
  error!: string | null;
  @ApiProperty()
  durationMs!: number;
  @ApiProperty({ type: String, nullable: true, description: "The start of the receiver's answer, scrubbed" })
  response!: string | null;
}

export class WebhookDeliveryDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ type: String, description: 'The event id: the `webhook-id` header of every attempt' })
  eventId!: string;
  @ApiProperty({ enum: EVENT_TYPES })
  eventType!: string;
  @ApiProperty({ description: 'Deliveries of one key arrive in feed order; a failing one holds back later ones' })
  orderingKey!: string;
  @ApiProperty({ enum: ['pending', 'delivered', 'failed'], description: 'failed: given up after the retry window' })
  state!: string;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'null once delivered or given up, and while waiting behind an earlier delivery of its ordering key',
  })
  nextAttemptAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  deliveredAt!: string | null;
  @ApiProperty({ type: [DeliveryAttemptDto] })
  attempts!: DeliveryAttemptDto[];
}

export class WebhookDeliveryListDto {
  @ApiProperty({ type: [WebhookDeliveryDto], description: 'Newest first' })
  items!: WebhookDeliveryDto[];
  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}
