import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { IMAGE_VISIBILITIES } from '../../provider-port/normalized-image';

/** PATCH /v1/images/{id} (application/merge-patch+json): the fields a user may change. */
export class UpdateImageDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 255 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  name?: string;

  @ApiPropertyOptional({ type: [String], description: 'Replaces every tag' })
  @IsOptional()
  @ArrayMaxSize(128)
  @IsString({ each: true })
  @MaxLength(255, { each: true })
  tags?: string[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string', nullable: true },
    description: 'Merged into the properties; a null value removes that property',
  })
  @IsOptional()
  @IsObject()
  properties?: Record<string, string | null>;

  @ApiPropertyOptional({ enum: IMAGE_VISIBILITIES })
  @IsOptional()
  @IsIn(IMAGE_VISIBILITIES)
  visibility?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  protected?: boolean;

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
}
