import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IMAGE_VISIBILITIES } from '../../provider-port/normalized-image';

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
  @ApiProperty({ example: 'nhn-kr1', description: 'Provider connection name' })
  @IsString()
  @MinLength(1)
  provider!: string;

  @ApiPropertyOptional({ description: "One of the connection's regions; its first when omitted" })
  @IsOptional()
  @IsString()
  region?: string;

  @ApiProperty({ example: 'ubuntu-22.04-cuda-12.4', minLength: 1, maxLength: 255 })
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  name!: string;

  @ApiPropertyOptional({ example: 'qcow2', description: 'Required by OpenStack Glance (NHN Cloud, Vietnix)' })
  @IsOptional()
  @IsIn(['ami', 'ari', 'aki', 'vhd', 'vhdx', 'vmdk', 'raw', 'qcow2', 'vdi', 'iso', 'ploop'])
  diskFormat?: string;

  @ApiPropertyOptional({ example: 'bare', description: 'Required by OpenStack Glance (NHN Cloud, Vietnix)' })
  @IsOptional()
  @IsIn(['ami', 'ari', 'aki', 'bare', 'ovf', 'ova', 'docker', 'compressed'])
  containerFormat?: string;

  @ApiPropertyOptional({ enum: IMAGE_VISIBILITIES })
  @IsOptional()
  @IsIn(IMAGE_VISIBILITIES)
  visibility?: string;

  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  minDiskGiB?: number;

  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  minRamMiB?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  protected?: boolean;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @ArrayMaxSize(128)
  @IsString({ each: true })
  @MaxLength(255, { each: true })
  tags?: string[];

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  @IsOptional()
  @IsObject()
  properties?: Record<string, string>;

  @ApiPropertyOptional({ type: CreateImageOsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => CreateImageOsDto)
  os?: CreateImageOsDto;

  @ApiPropertyOptional({ minimum: 1, description: 'Required by FPT Metal Cloud; checked against the uploaded bytes' })
  @IsOptional()
  @IsInt()
  @Min(1)
  sizeBytes?: number;

  @ApiPropertyOptional({
    pattern: '^[0-9a-f]{64}$',
    description: 'Required by FPT Metal Cloud; checked against the uploaded bytes',
  })
  @IsOptional()
  @Matches(/^[0-9a-f]{64}$/, { message: 'sha256 must be 64 lower-case hex digits' })
  sha256?: string;
}
