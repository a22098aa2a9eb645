import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  MinLength,
} from 'class-validator';
import { IMAGE_VISIBILITIES } from '../../providers/port/normalized-image';
import { FIELD_LIMITS, IsPropertyMap, propertyMapSchema } from './field-limits';

/**
 * A member a merge patch may leave out, but not set to null: null would mean "remove it"
 * (RFC 7396), and none of these can be removed; `IsOptional` let null through to the
 * service (a 500 the fuzz suite found for `tags: null`), so null is validated and refused.
 */
function PresentOrAbsent(): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined);
}

/** PATCH /v1/images/{id} (application/merge-patch+json): the fields a user may change. */
export class UpdateImageDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: FIELD_LIMITS.imageName })
  @PresentOrAbsent()
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
  @PresentOrAbsent()
  @IsArray()
  @ArrayMaxSize(FIELD_LIMITS.tags)
  @IsString({ each: true })
  @MaxLength(FIELD_LIMITS.tag, { each: true })
  tags?: string[];

  @ApiPropertyOptional({
    ...propertyMapSchema({ nullable: true }),
    description: `Merged into the properties. ${String(propertyMapSchema({ nullable: true }).description)}`,
  })
  @PresentOrAbsent()
  @IsPropertyMap({ allowNull: true })
  properties?: Record<string, string | null>;

  @ApiPropertyOptional({ enum: IMAGE_VISIBILITIES })
  @PresentOrAbsent()
  @IsIn(IMAGE_VISIBILITIES)
  visibility?: string;

  @ApiPropertyOptional()
  @PresentOrAbsent()
  @IsBoolean()
  protected?: boolean;

  @ApiPropertyOptional({ minimum: 0, maximum: FIELD_LIMITS.int32 })
  @PresentOrAbsent()
  @IsInt()
  @Min(0)
  @Max(FIELD_LIMITS.int32)
  minDiskGiB?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: FIELD_LIMITS.int32 })
  @PresentOrAbsent()
  @IsInt()
  @Min(0)
  @Max(FIELD_LIMITS.int32)
  minRamMiB?: number;
}
