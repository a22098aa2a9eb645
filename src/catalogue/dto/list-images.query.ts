import { ApiPropertyOptional } from '@nestjs/swagger';
import { PageQuery } from '../../pagination/page.query';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { IMAGE_KINDS, IMAGE_STATUSES, IMAGE_VISIBILITIES } from '../../provider-port/normalized-image';

export const IMAGE_SORT_FIELDS = ['name', 'createdAt', 'updatedAt', 'sizeBytes', 'provider'] as const;
export type ImageSortField = (typeof IMAGE_SORT_FIELDS)[number];
export const IMAGE_SORTS = IMAGE_SORT_FIELDS.flatMap((f) => [f, `-${f}`]);

/** Query of GET /v1/images: every filter of CONTRACT.md, a sort and a cursor. */
export class ListImagesQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Provider connection name' })
  @IsOptional()
  @IsString()
  provider?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  region?: string;

  @ApiPropertyOptional({ enum: IMAGE_KINDS })
  @IsOptional()
  @IsIn(IMAGE_KINDS)
  kind?: string;

  @ApiPropertyOptional({ enum: IMAGE_STATUSES, description: 'Deleted images are listed only when asked for' })
  @IsOptional()
  @IsIn(IMAGE_STATUSES)
  status?: string;

  @ApiPropertyOptional({ enum: IMAGE_VISIBILITIES })
  @IsOptional()
  @IsIn(IMAGE_VISIBILITIES)
  visibility?: string;

  @ApiPropertyOptional({ example: 'ubuntu', description: 'Case-insensitive' })
  @IsOptional()
  @IsString()
  osDistro?: string;

  @ApiPropertyOptional({ example: '22.04' })
  @IsOptional()
  @IsString()
  osVersion?: string;

  @ApiPropertyOptional({ example: 'x86_64' })
  @IsOptional()
  @IsString()
  architecture?: string;

  @ApiPropertyOptional({ example: 'nvidia', description: 'Case-insensitive' })
  @IsOptional()
  @IsString()
  gpuVendor?: string;

  @ApiPropertyOptional({ example: 'H100', description: 'Case-insensitive; matches any of the image GPU models' })
  @IsOptional()
  @IsString()
  gpuModel?: string;

  @ApiPropertyOptional({ description: 'Images carrying this tag' })
  @IsOptional()
  @IsString()
  tag?: string;

  @ApiPropertyOptional({ description: 'Name contains (case-insensitive)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ enum: IMAGE_SORTS, default: 'name', description: 'A leading - sorts descending' })
  @IsOptional()
  @IsIn(IMAGE_SORTS)
  sort?: string;
}
