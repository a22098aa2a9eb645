import {
  ArrayMaxSize,
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
/**
 * Length caps of a connection's fields, shown in openapi.json too: far above
 * any real value (a URL of 2,048 characters, a JWT of 16 KiB), so that a
 * hostile body is refused by its size rather than carried to a provider.
 */
export const CONNECTION_LIMITS = { url: 2048, text: 255, secret: 16_384, regions: 64 } as const;

const URL_OPTIONS = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

export class ConnectionBaseDto {
  @Matches(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, {
    message: 'name must match [a-z0-9-] (1-63 characters, no leading or trailing -)',
  })
  name!: string;

  @IsIn(PROVIDER_KINDS)
  kind!: string;

  @IsUrl(URL_OPTIONS)
  @MaxLength(CONNECTION_LIMITS.url)
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
  @MaxLength(CONNECTION_LIMITS.text)
  region?: string;
}

export class FptConnectionDto extends ConnectionBaseDto {
  @IsString()
  @MinLength(1)
  @MaxLength(CONNECTION_LIMITS.text)
  vpcId!: string;

  @IsOptional()
  @IsString()
  @MaxLength(CONNECTION_LIMITS.text)
  region?: string;
}

export class GenesisConnectionDto extends ConnectionBaseDto {}

export class NscaleConnectionDto extends ConnectionBaseDto {
  @IsArray()
  @ArrayNotEmpty()
  @IsString({ each: true })
  @MaxLength(CONNECTION_LIMITS.text, { each: true })
  @ArrayMaxSize(CONNECTION_LIMITS.regions)
  regions!: string[];

  @IsString()
  @MinLength(1)
  @MaxLength(CONNECTION_LIMITS.text)
  organizationId!: string;
}

export class TokenAuthDto {
  @IsIn(['token'])
  type!: 'token';

  @IsString()
  @MinLength(1)
  @MaxLength(CONNECTION_LIMITS.secret)
  token!: string;
}

export class BearerAuthDto {
  @IsIn(['bearer'])
  type!: 'bearer';

  @IsString()
  @MinLength(1)
  @MaxLength(CONNECTION_LIMITS.secret)
  token!: string;
}

export class KeystoneAuthDto {
  @IsIn(['keystone'])
  type!: 'keystone';

  @IsUrl(URL_OPTIONS)
  @MaxLength(CONNECTION_LIMITS.url)
  authUrl!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(CONNECTION_LIMITS.text)
  username!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(CONNECTION_LIMITS.secret)
  password!: string;

  @IsOptional()
  @IsString()
  @MaxLength(CONNECTION_LIMITS.text)
  projectId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(CONNECTION_LIMITS.text)
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
  @MaxLength(CONNECTION_LIMITS.url)
  tokenUrl!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(CONNECTION_LIMITS.text)
  clientId!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(CONNECTION_LIMITS.secret)
  clientSecret!: string;

  @IsOptional()
  @IsString()
  @MaxLength(CONNECTION_LIMITS.text)
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
