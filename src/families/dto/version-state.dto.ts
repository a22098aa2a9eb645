import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsISO8601, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { VERSION_STATES, type VersionStateName } from './family-version.dto';

/** Body of PATCH /v1/families/{family}/versions/{version}: a lifecycle change, now or at `stateAt`. */
export class UpdateVersionStateDto {
  @ApiPropertyOptional({ enum: VERSION_STATES, enumName: 'VersionState' })
  @IsOptional()
  @IsIn(VERSION_STATES)
  state?: VersionStateName;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'When the change takes effect; absent or past: now. A future time keeps it as `scheduled`.',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  stateAt?: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '2027.01',
    description: 'Another version of the family to use instead; null clears it',
    maxLength: 128,
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  replacement?: string | null;

  @ApiPropertyOptional({
    example: '2027.01',
    description:
      'When revoking (or making obsolete) a version channels point at: move those channels to this version in the ' +
      'same request (each kept as a move)',
    maxLength: 128,
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  moveChannelsTo?: string;

  @ApiPropertyOptional({
    default: false,
    description:
      'Revoke even though channels point at the version (they then resolve to 410); with moveChannelsTo, move them ' +
      'even while the new version is not active on every target',
  })
  @IsOptional()
  @IsBoolean()
  force?: boolean;
}
