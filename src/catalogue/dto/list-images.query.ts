import { ApiPropertyOptional } from '@nestjs/swagger';
import { PageQuery } from '../../platform/pagination/page.query';
import { IsIn, IsOptional } from 'class-validator';
import { IsQueryText, MAX_QUERY_TEXT_LENGTH, PROVIDER_NAME_MAX_LENGTH } from '../../platform/pagination/query-text';
import { IMAGE_KINDS, IMAGE_STATUSES, IMAGE_VISIBILITIES } from '../../providers/port/normalized-image';

export const IMAGE_SORT_FIELDS = ['name', 'createdAt', 'updatedAt', 'sizeBytes', 'provider'] as const;
export type ImageSortField = (typeof IMAGE_SORT_FIELDS)[number];
export const IMAGE_SORTS = IMAGE_SORT_FIELDS.flatMap((f) => [f, `-${f}`]);

/** Query of GET /v1/images: every filter of CONTRACT.md, a sort and a cursor. */
export class ListImagesQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Provider connection name', maxLength: PROVIDER_NAME_MAX_LENGTH })
  @IsOptional()
  @IsQueryText(PROVIDER_NAME_MAX_LENGTH)
  provider?: string;

  @ApiPropertyOptional({ maxLength: MAX_QUERY_TEXT_LENGTH })
  @IsOptional()
  @IsQueryText()
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

  @ApiPropertyOptional({ example: 'ubuntu', description: 'Case-insensitive', maxLength: MAX_QUERY_TEXT_LENGTH })
  @IsOptional()
  @IsQueryText()
  osDistro?: string;

  @ApiPropertyOptional({ example: '22.04', maxLength: MAX_QUERY_TEXT_LENGTH })
  @IsOptional()
  @IsQueryText()
  osVersion?: string;

  @ApiPropertyOptional({ example: 'x86_64', maxLength: MAX_QUERY_TEXT_LENGTH })
  @IsOptional()
  @IsQueryText()
  architecture?: string;

  @ApiPropertyOptional({ example: 'nvidia', description: 'Case-insensitive', maxLength: MAX_QUERY_TEXT_LENGTH })
  @IsOptional()
  @IsQueryText()
  gpuVendor?: string;

  @ApiPropertyOptional({
    example: 'H100',
    description: 'Case-insensitive; matches any of the image GPU models',
    maxLength: MAX_QUERY_TEXT_LENGTH,
  })
  @IsOptional()
  @IsQueryText()
  gpuModel?: string;

  @ApiPropertyOptional({ description: 'Images carrying this tag', maxLength: MAX_QUERY_TEXT_LENGTH })
  @IsOptional()
  @IsQueryText()
  tag?: string;

  @ApiPropertyOptional({ description: 'Name contains (case-insensitive)', maxLength: 200 })
  @IsOptional()
  @IsQueryText(200)
  q?: string;

  @ApiPropertyOptional({ enum: IMAGE_SORTS, default: 'name', description: 'A leading - sorts descending' })
  @IsOptional()
  @IsIn(IMAGE_SORTS)
  sort?: string;
}
