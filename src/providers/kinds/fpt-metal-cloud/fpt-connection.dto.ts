import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { CONNECTION_LIMITS, ConnectionBaseDto, type BearerAuthDto } from '../../connections/provider-connection.dto';

/** An fpt-metal-cloud connection: the one shape the providers file, the admin API and the adapter share. */
export class FptConnectionDto extends ConnectionBaseDto {
  declare kind: 'fpt-metal-cloud';

  @IsString()
  @MinLength(1)
  @MaxLength(CONNECTION_LIMITS.text)
  vpcId!: string;

  @IsOptional()
  @IsString()
  @MaxLength(CONNECTION_LIMITS.text)
  region?: string;

  /** Validated by the auth class its type names (see fptKind.auth). */
  declare auth: BearerAuthDto;
}
