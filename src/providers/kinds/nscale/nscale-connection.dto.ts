import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsString, MaxLength, MinLength } from 'class-validator';
import {
  CONNECTION_LIMITS,
  ConnectionBaseDto,
  docNote,
  type BearerAuthDto,
  type OAuth2ClientCredentialsAuthDto,
} from '../../connections/provider-connection.dto';

/** An nscale connection: the one shape the providers file, the admin API and the adapter share. */
export class NscaleConnectionDto extends ConnectionBaseDto {
  declare kind: 'nscale';

  @IsArray(docNote('region ids'))
  @ArrayNotEmpty()
  @IsString({ each: true })
  @MaxLength(CONNECTION_LIMITS.text, { each: true })
  @ArrayMaxSize(CONNECTION_LIMITS.regions)
  regions!: string[];

  @IsString()
  @MinLength(1)
  @MaxLength(CONNECTION_LIMITS.text)
  organizationId!: string;

  /** Validated by the auth class its type names (see nscaleKind.auth). */
  declare auth: BearerAuthDto | OAuth2ClientCredentialsAuthDto;
}
