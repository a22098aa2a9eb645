import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageQuery } from '../../platform/pagination/page.query';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { IsQueryText, PROVIDER_NAME_MAX_LENGTH } from '../../platform/pagination/query-text';
import { UUID_PATTERN } from '../../platform/persistence/uuid';
import { BROKER_JOB_TYPES, type BrokerJobType } from '../job-types';

export const JOB_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;

export class JobProgressDto {
  @ApiProperty({ type: Number, format: 'int64' })
  bytesDone!: number;
  @ApiProperty({ type: Number, format: 'int64', nullable: true })
  bytesTotal!: number | null;
}

export class JobErrorDto {
  @ApiProperty({ example: 'provider_unavailable' })
  code!: string;
  @ApiProperty()
  message!: string;
}

export class JobDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ enum: BROKER_JOB_TYPES, enumName: 'JobType' })
  type!: BrokerJobType;
  @ApiProperty({ enum: JOB_STATES, enumName: 'JobState' })
  state!: (typeof JOB_STATES)[number];
  @ApiProperty({ type: String, nullable: true, description: 'Provider connection the job works on' })
  provider!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  imageId!: string | null;
  @ApiProperty({ type: JobProgressDto })
  progress!: JobProgressDto;
  @ApiProperty({ description: 'Attempts started so far' })
  attempts!: number;
  @ApiProperty({ type: JobErrorDto, nullable: true, description: 'The last error; kept when a retry is pending' })
  error!: JobErrorDto | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'What the job produced' })
  result!: Record<string, unknown> | null;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  startedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  finishedAt!: string | null;
}

export class JobListDto {
  @ApiProperty({ type: [JobDto] })
  items!: JobDto[];
  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}

export class ListJobsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: BROKER_JOB_TYPES })
  @IsOptional()
  @IsIn(BROKER_JOB_TYPES)
  type?: string;

  @ApiPropertyOptional({ enum: JOB_STATES })
  @IsOptional()
  @IsIn(JOB_STATES)
  state?: string;

  @ApiPropertyOptional({ description: 'Provider connection name', maxLength: PROVIDER_NAME_MAX_LENGTH })
  @IsOptional()
  @IsQueryText(PROVIDER_NAME_MAX_LENGTH)
  provider?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @Matches(UUID_PATTERN, { message: 'imageId must be a UUID' })
  imageId?: string;
}
