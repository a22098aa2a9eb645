import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

/**
 * The longest cursor taken: base64url of the last row's sort value and id. A
 * name synced from a provider of 1,000 four-byte characters fits; the request
 * line's own limit (16 KiB with the headers) is the next bound.
 */
export const CURSOR_MAX_LENGTH = 8192;

/** `limit` and `cursor`, as every list of the API takes them. */
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({
    description: 'Opaque cursor from a previous page',
    pattern: '^[A-Za-z0-9_-]+$',
    maxLength: CURSOR_MAX_LENGTH,
  })
  @IsOptional()
  @IsString()
  @MaxLength(CURSOR_MAX_LENGTH)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor is not a cursor this API issued' })
  cursor?: string;
}
