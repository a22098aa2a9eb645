import { IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';

/**
 * The validation classes every kind shares: the fields of any connection and
 * one class per auth type. Each kind's own connection class extends
 * ConnectionBaseDto in its folder (kinds/<kind>/<kind>-connection.dto.ts); the
 * same classes serve PROVIDERS_FILE at boot and POST /v1/providers at run time,
 * and their types are the connection types the adapters receive.
 */
/**
 * Length caps of a connection's fields, shown in openapi.json too: far above
 * any real value (a URL of 2,048 characters, a JWT of 16 KiB), so that a
 * hostile body is refused by its size rather than carried to a provider.
 */
export const CONNECTION_LIMITS = { url: 2048, text: 255, secret: 16_384, regions: 64 } as const;

export const URL_OPTIONS = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

/**
 * A note for openapi.json on one rule of a kind's own field, shown after the
 * names of the kinds that have the field: `@IsArray(docNote('region ids'))`.
 * It rides on class-validator's `context`, which validation never reads.
 */
export function docNote(note: string): { context: DocNoteContext } {
  return { context: { docNote: note } };
}

export interface DocNoteContext {
  docNote: string;
}

export class ConnectionBaseDto {
  @Matches(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, {
    message: 'name must match [a-z0-9-] (1-63 characters, no leading or trailing -)',
  })
  name!: string;

  // Which kinds exist is the registry's to say: the validator picks the class by kind before this runs.
  @IsString()
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
