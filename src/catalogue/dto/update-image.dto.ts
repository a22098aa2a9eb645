import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { IMAGE_VISIBILITIES } from '../../provider-port/normalized-image';
import { FIELD_LIMITS, IsPropertyMap, propertyMapSchema } from './field-limits';

/** PATCH /v1/images/{id} (application/merge-patch+json): the fields a user may change. */
export class UpdateImageDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: FIELD_LIMITS.imageName })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(FIELD_LIMITS.imageName)
  name?: string;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', maxLength: FIELD_LIMITS.tag },
    maxItems: FIELD_LIMITS.tags,
    description: 'Replaces every tag',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(FIELD_LIMITS.tags)
  @IsString({ each: true })
  @MaxLength(FIELD_LIMITS.tag, { each: true })
  tags?: string[];

  @ApiPropertyOptional({
    ...propertyMapSchema({ nullable: true }),
    description: `Merged into the properties. ${String(propertyMapSchema({ nullable: true }).description)}`,
  })
  @IsOptional()
  @IsPropertyMap({ allowNull: true })
  properties?: Record<string, string | null>;

  @ApiPropertyOptional({ enum: IMAGE_VISIBILITIES })
  @IsOptional()
  @IsIn(IMAGE_VISIBILITIES)
  visibility?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  protected?: boolean;

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
}
