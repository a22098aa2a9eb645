import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CONNECTION_LIMITS } from './provider-connection.dto';
import { PROVIDER_KIND_NAMES, PROVIDER_KINDS } from '../kinds/provider-kinds';
import { kindFieldDocs } from './kind-field-docs';

/**
 * The body of POST /v1/providers: the same shape as an entry of
 * PROVIDERS_FILE. These classes only document it in openapi.json (the
 * controller names them in @ApiBody): the body is validated by the connection
 * class of its kind among the kinds the running broker holds
 * (ProviderConnectionsService, validateProviderConnection), exactly as the
 * file is, so a kind added to the registry is taken with its own fields.
 */
export class ProviderAuthRequestDto {
  @ApiProperty({ enum: ['token', 'bearer', 'keystone', 'oauth2-client-credentials'] })
  type!: string;
  @ApiPropertyOptional({ maxLength: CONNECTION_LIMITS.secret, description: 'token, bearer', writeOnly: true })
  token?: string;
  @ApiPropertyOptional({ maxLength: CONNECTION_LIMITS.url, description: 'keystone: Keystone v3 URL' })
  authUrl?: string;
  @ApiPropertyOptional({ maxLength: CONNECTION_LIMITS.text, description: 'keystone' })
  username?: string;
  @ApiPropertyOptional({ maxLength: CONNECTION_LIMITS.secret, description: 'keystone', writeOnly: true })
  password?: string;
  @ApiPropertyOptional({ maxLength: CONNECTION_LIMITS.text, description: 'keystone: projectId or projectName' })
  projectId?: string;
  @ApiPropertyOptional({ maxLength: CONNECTION_LIMITS.text, description: 'keystone' })
  projectName?: string;
  @ApiPropertyOptional({
    maxLength: CONNECTION_LIMITS.text,
    description: "keystone: user and project domain, 'Default' when omitted",
  })
  domain?: string;
  @ApiPropertyOptional({ maxLength: CONNECTION_LIMITS.url, description: 'oauth2-client-credentials' })
  tokenUrl?: string;
  @ApiPropertyOptional({ maxLength: CONNECTION_LIMITS.text, description: 'oauth2-client-credentials' })
  clientId?: string;
  @ApiPropertyOptional({
    maxLength: CONNECTION_LIMITS.secret,
    description: 'oauth2-client-credentials',
    writeOnly: true,
  })
  clientSecret?: string;
  @ApiPropertyOptional({ maxLength: CONNECTION_LIMITS.text, description: 'oauth2-client-credentials' })
  scope?: string;
}

/** The fields every connection has that the spec shows first. */
class ConnectionTargetDocs {
  @ApiPropertyOptional({ enum: PROVIDER_KIND_NAMES })
  kind?: string;
  @ApiPropertyOptional({ maxLength: CONNECTION_LIMITS.url, example: 'https://api.genesiscloud.com' })
  endpoint?: string;
}

/** Then the fields only some kinds have, from their connection classes (kindFieldDocs). */
class KindFieldsDocs extends ConnectionTargetDocs {}
for (const [field, options] of kindFieldDocs(PROVIDER_KINDS))
  ApiPropertyOptional(options)(KindFieldsDocs.prototype, field);

class ProviderSettingsDto extends KindFieldsDocs {
  @ApiPropertyOptional({ minimum: 100, maximum: 600000, description: 'Per attempt' })
  timeoutMs?: number;
  @ApiPropertyOptional({ minimum: 0, maximum: 10 })
  maxRetries?: number;
  @ApiPropertyOptional({ minimum: 1, maximum: 256, description: 'Calls in flight at once, across every replica' })
  maxConcurrentCalls?: number;
  @ApiPropertyOptional({
    minimum: 1,
    maximum: 256,
    description: 'Jobs of this connection running at once, across every worker (default JOB_CONCURRENCY_PER_PROVIDER)',
  })
  maxConcurrentJobs?: number;
  @ApiPropertyOptional({ type: ProviderAuthRequestDto, description: 'Replaced whole; never returned by any route' })
  auth?: ProviderAuthRequestDto;
}

export class CreateProviderRequestDto extends ProviderSettingsDto {
  @ApiProperty({
    example: 'genesis-eu',
    description: 'Unique, [a-z0-9-]',
    minLength: 1,
    maxLength: 63,
    pattern: '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$',
  })
  name!: string;
  @ApiProperty({ enum: PROVIDER_KIND_NAMES })
  declare kind: string;
  @ApiProperty({ maxLength: CONNECTION_LIMITS.url })
  declare endpoint: string;
  @ApiProperty({ type: ProviderAuthRequestDto })
  declare auth: ProviderAuthRequestDto;
}

/** PATCH /v1/providers/{name}: a merge patch of the settings; `auth`, when given, replaces the whole block. */
export class UpdateProviderRequestDto extends ProviderSettingsDto {}
