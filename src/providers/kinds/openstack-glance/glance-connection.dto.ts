import { IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import {
  CONNECTION_LIMITS,
  ConnectionBaseDto,
  type KeystoneAuthDto,
  type TokenAuthDto,
} from '../../connections/provider-connection.dto';

/** An openstack-glance connection: the one shape the providers file, the admin API and the adapter share. */
export class GlanceConnectionDto extends ConnectionBaseDto {
  declare kind: 'openstack-glance';

  @IsIn(['nhn', 'standard'])
  dialect!: 'nhn' | 'standard';

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(CONNECTION_LIMITS.text)
  region?: string;

  /** Validated by the auth class its type names (see glanceKind.auth); declared, so it is no validated field here. */
  declare auth: TokenAuthDto | KeystoneAuthDto;
}
