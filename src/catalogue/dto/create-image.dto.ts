import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IMAGE_VISIBILITIES } from '../../providers/port/normalized-image';
import { FIELD_LIMITS, IsPropertyMap, propertyMapSchema } from './field-limits';

/** The disk and container formats OpenStack Glance takes (its defaults). */
const DISK_FORMATS = ['ami', 'ari', 'aki', 'vhd', 'vhdx', 'vmdk', 'raw', 'qcow2', 'vdi', 'iso', 'ploop'];
const CONTAINER_FORMATS = ['ami', 'ari', 'aki', 'bare', 'ovf', 'ova', 'docker', 'compressed'];

export class CreateImageOsDto {
  @ApiPropertyOptional({ enum: ['linux', 'windows'], description: 'Required by NHN Cloud (os_type)' })
  @IsOptional()
  @IsIn(['linux', 'windows'])
  type?: string;

  @ApiPropertyOptional({ example: 'ubuntu' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  distro?: string;

  @ApiPropertyOptional({ example: '22.04' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  version?: string;

  @ApiPropertyOptional({ example: 'x86_64' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  architecture?: string;
}

/** POST /v1/images: a custom image to register on a provider; its bytes follow with PUT …/file or an upload session. */
export class CreateImageDto {
  @ApiProperty({
    example: 'nhn-kr1',
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

  @ApiProperty({ example: 'ubuntu-22.04-cuda-12.4', minLength: 1, maxLength: FIELD_LIMITS.imageName })
  @IsString()
  @MinLength(1)
  @MaxLength(FIELD_LIMITS.imageName)
  name!: string;

  @ApiPropertyOptional({
    enum: DISK_FORMATS,
    example: 'qcow2',
    description: 'Required by OpenStack Glance (NHN Cloud, Vietnix)',
  })
  @IsOptional()
  @IsIn(DISK_FORMATS)
  diskFormat?: string;

  @ApiPropertyOptional({
    enum: CONTAINER_FORMATS,
    example: 'bare',
    description: 'Required by OpenStack Glance (NHN Cloud, Vietnix)',
  })
  @IsOptional()
  @IsIn(CONTAINER_FORMATS)
  containerFormat?: string;

  @ApiPropertyOptional({ enum: IMAGE_VISIBILITIES })
  @IsOptional()
  @IsIn(IMAGE_VISIBILITIES)
  visibility?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: FIELD_LIMITS.int32 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(FIELD_LIMITS.int32)
  minDiskGiB?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: FIELD_LIMITS.int32 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(FIELD_LIMITS.int32)
  minRamMiB?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  protected?: boolean;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', maxLength: FIELD_LIMITS.tag },
    maxItems: FIELD_LIMITS.tags,
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(FIELD_LIMITS.tags)
  @IsString({ each: true })
  @MaxLength(FIELD_LIMITS.tag, { each: true })
  tags?: string[];

  @ApiPropertyOptional(propertyMapSchema({ nullable: false }))
  @IsOptional()
  @IsPropertyMap({ allowNull: false })
  properties?: Record<string, string>;

  @ApiPropertyOptional({ type: CreateImageOsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => CreateImageOsDto)
  os?: CreateImageOsDto;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: FIELD_LIMITS.safeInteger,
    description: 'Required by FPT Metal Cloud; checked against the uploaded bytes',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(FIELD_LIMITS.safeInteger)
  sizeBytes?: number;

  @ApiPropertyOptional({
    pattern: '^[0-9a-f]{64}$',
    maxLength: 64,
    example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    description: 'Required by FPT Metal Cloud; checked against the uploaded bytes',
  })
  @IsOptional()
  @Matches(/^[0-9a-f]{64}$/, { message: 'sha256 must be 64 lower-case hex digits' })
  sha256?: string;
}
