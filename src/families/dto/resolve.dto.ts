import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional } from 'class-validator';
import { IsQueryText, PROVIDER_NAME_MAX_LENGTH } from '../../platform/pagination/query-text';

/** Query of GET /v1/families/{family}/resolve. */
export class ResolveQuery {
  @ApiPropertyOptional({
    default: 'latest',
    example: 'stable',
    description:
      'A channel, or `latest`: the newest version that is active on the target and neither deprecated, ' +
      'obsolete nor revoked',
    maxLength: 63,
  })
  @IsOptional()
  @IsQueryText(63)
  channel?: string;

  @ApiPropertyOptional({
    example: '2026.12',
    description: 'A version by name instead of a channel (what a `successor-version` link names); not with `channel`',
    maxLength: 128,
  })
  @IsOptional()
  @IsQueryText(128)
  version?: string;

  @ApiProperty({
    example: 'fpt-hcm',
    description: 'The provider connection of the target',
    maxLength: PROVIDER_NAME_MAX_LENGTH,
  })
  @IsNotEmpty()
  @IsQueryText(PROVIDER_NAME_MAX_LENGTH)
  provider!: string;

  @ApiPropertyOptional({
    description: "The target's region; needed only when the family targets the provider in several regions",
    maxLength: 63,
  })
  @IsOptional()
  @IsQueryText(63)
  region?: string;
}

/** What resolve answers: one native image a provisioning tool can use. */
export class ResolvedImageDto {
  @ApiProperty({ example: 'gpu-base' })
  family!: string;
  @ApiProperty({ type: String, nullable: true, example: 'stable', description: 'null when resolved by `version`' })
  channel!: string | null;
  @ApiProperty({ example: '2026.12' })
  version!: string;
  @ApiProperty({ example: 'fpt-hcm' })
  provider!: string;
  @ApiProperty({ type: String, nullable: true })
  region!: string | null;
  @ApiProperty({ format: 'uuid', description: 'The broker id of the copy on that target' })
  imageId!: string;
  @ApiProperty({ description: "The provider's own id of the copy: what Terraform or a provisioning service uses" })
  nativeId!: string;
  @ApiProperty({ description: "The version's sha256 (hex)" })
  sha256!: string;
}
