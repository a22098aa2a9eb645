import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUrl, Matches, MaxLength } from 'class-validator';

/** POST /v1/images/{id}/import. */
export class ImportRequestDto {
  @ApiProperty({ example: 'https://cloud-images.ubuntu.com/jammy/current/jammy-server-cloudimg-amd64.img' })
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: 'url must be an http or https URL' },
  )
  @MaxLength(2048)
  url!: string;

  @ApiPropertyOptional({
    pattern: '^[0-9a-f]{64}$',
    maxLength: 64,
    example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    description: 'Checked against the fetched bytes; the registered sha256 otherwise',
  })
  @IsOptional()
  @Matches(/^[0-9a-f]{64}$/, { message: 'sha256 must be 64 lower-case hex digits' })
  sha256?: string;
}
