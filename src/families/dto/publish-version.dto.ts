import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { UUID_PATTERN } from '../../platform/persistence/uuid';

/** A version string is a path segment: letters, digits and . _ + -, 1–128 characters, starting with a letter or digit. */
export const VERSION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/;

/** POST /v1/families/{family}/versions. */
export class PublishVersionDto {
  @ApiProperty({ example: '2026.12', pattern: VERSION_PATTERN.source, maxLength: 128 })
  @IsString()
  @Matches(VERSION_PATTERN, {
    message: 'version must be 1–128 characters of letters, digits and . _ + -, starting with a letter or digit',
  })
  version!: string;

  @ApiProperty({ format: 'uuid', description: 'An active broker image with a sha256: the version is that sha256' })
  @IsString()
  @Matches(UUID_PATTERN, { message: 'imageId must be a UUID' })
  imageId!: string;
}
