import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { FIELD_LIMITS } from '../catalogue/dto/field-limits';
import { CreateImageOsDto } from '../catalogue/dto/create-image.dto';
import { IMAGE_VISIBILITIES } from '../providers/port/normalized-image';
import { JOB_STATES, JobErrorDto } from '../jobs/dto/job.dto';

export class ReplicationTargetRequestDto {
  @ApiProperty({
    example: 'fpt-hcm',
    description: 'Provider connection name',
    minLength: 1,
    maxLength: FIELD_LIMITS.providerName,
  })
  @IsString()
  @MinLength(1)
  @MaxLength(FIELD_LIMITS.providerName)
  provider!: string;

  @ApiPropertyOptional({
    description: "One of the connection's regions; its first when omitted",
    maxLength: FIELD_LIMITS.region,
  })
  @IsOptional()
  @IsString()
  @MaxLength(FIELD_LIMITS.region)
  region?: string;

  @ApiPropertyOptional({ description: "The copy's name; the source's when omitted", maxLength: FIELD_LIMITS.imageName })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(FIELD_LIMITS.imageName)
  name?: string;

  @ApiPropertyOptional({ enum: IMAGE_VISIBILITIES, description: "The copy's visibility; private when omitted" })
  @IsOptional()
  @IsIn(IMAGE_VISIBILITIES)
  visibility?: string;

  @ApiPropertyOptional({
    type: CreateImageOsDto,
    description: "The copy's OS fields, each in place of the source's (NHN Cloud requires os.type)",
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => CreateImageOsDto)
  os?: CreateImageOsDto;
}

export class CreateReplicationDto {
  @ApiProperty({ type: [ReplicationTargetRequestDto], minItems: 1, maxItems: 50 })
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => ReplicationTargetRequestDto)
  targets!: ReplicationTargetRequestDto[];
}

export class ReplicationTargetDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty()
  provider!: string;
  @ApiProperty({ type: String, nullable: true })
  region!: string | null;
  @ApiProperty({ enum: JOB_STATES, enumName: 'JobState', description: "The state of the target's latest job" })
  status!: (typeof JOB_STATES)[number];
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The broker id of the copy' })
  imageId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  jobId!: string | null;
  @ApiProperty({ description: 'An identical image (same sha256) already at the target was used' })
  reused!: boolean;
  @ApiProperty({ type: JobErrorDto, nullable: true })
  error!: JobErrorDto | null;
}

export class ReplicationDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ format: 'uuid' })
  sourceImageId!: string;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  @ApiProperty({ type: [ReplicationTargetDto] })
  targets!: ReplicationTargetDto[];
}

export class ReplicationListDto {
  @ApiProperty({ type: [ReplicationDto] })
  items!: ReplicationDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Always null: newest 100 replications' })
  nextCursor!: string | null;
}
