import {
  ArrayNotEmpty,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { PROVIDER_KINDS } from './provider-connection.types';

/**
 * Validation classes of a provider connection, one per kind and one per auth
 * type. They serve PROVIDERS_FILE at boot and POST /v1/providers at run time,
 * so both sources accept exactly the same shapes.
 */
const URL_OPTIONS = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

export class ConnectionBaseDto {
  @Matches(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, {
    message: 'name must match [a-z0-9-] (1-63 characters, no leading or trailing -)',
  })
  name!: string;

  @IsIn(PROVIDER_KINDS)
  kind!: string;

  @IsUrl(URL_OPTIONS)
  endpoint!: string;

  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(600000)
  timeoutMs?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10)
  maxRetries?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(256)
  maxConcurrentCalls?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(256)
  maxConcurrentJobs?: number;
}

export class GlanceConnectionDto extends ConnectionBaseDto {
  @IsIn(['nhn', 'standard'])
  dialect!: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  region?: string;
}

export class FptConnectionDto extends ConnectionBaseDto {
  @IsString()
  @MinLength(1)
  vpcId!: string;

  @IsOptional()
  @IsString()
  region?: string;
}

export class GenesisConnectionDto extends ConnectionBaseDto {}

export class NscaleConnectionDto extends ConnectionBaseDto {
  @IsArray()
  @ArrayNotEmpty()
  @IsString({ each: true })
  regions!: string[];

  @IsString()
  @MinLength(1)
  organizationId!: string;
}

export class TokenAuthDto {
  @IsIn(['token'])
  type!: 'token';

  @IsString()
  @MinLength(1)
  token!: string;
}

export class BearerAuthDto {
  @IsIn(['bearer'])
  type!: 'bearer';

  @IsString()
  @MinLength(1)
  token!: string;
}

export class KeystoneAuthDto {
  @IsIn(['keystone'])
  type!: 'keystone';

  @IsUrl(URL_OPTIONS)
  authUrl!: string;

  @IsString()
  @MinLength(1)
  username!: string;

  @IsString()
  @MinLength(1)
  password!: string;

  @IsOptional()
  @IsString()
  projectId?: string;

  @IsOptional()
  @IsString()
  projectName?: string;

  @IsOptional()
  @IsString()
  @MaxLength(255)
  domain?: string;
}

export class OAuth2ClientCredentialsAuthDto {
  @IsIn(['oauth2-client-credentials'])
  type!: 'oauth2-client-credentials';

  @IsUrl(URL_OPTIONS)
  tokenUrl!: string;

  @IsString()
  @MinLength(1)
  clientId!: string;

  @IsString()
  @MinLength(1)
  clientSecret!: string;

  @IsOptional()
  @IsString()
  scope?: string;
}

type Ctor = new () => object;

/** Which connection class and which auth classes each kind accepts. */
export const CONNECTION_SHAPES: Record<string, { connection: Ctor; auth: Record<string, Ctor> }> = {
  'openstack-glance': { connection: GlanceConnectionDto, auth: { token: TokenAuthDto, keystone: KeystoneAuthDto } },
  'fpt-metal-cloud': { connection: FptConnectionDto, auth: { bearer: BearerAuthDto } },
  'genesis-cloud': { connection: GenesisConnectionDto, auth: { bearer: BearerAuthDto } },
  nscale: {
    connection: NscaleConnectionDto,
    auth: { bearer: BearerAuthDto, 'oauth2-client-credentials': OAuth2ClientCredentialsAuthDto },
  },
};
