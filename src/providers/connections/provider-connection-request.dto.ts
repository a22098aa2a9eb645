import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow } from 'class-validator';
import { CONNECTION_LIMITS } from './provider-connection.dto';
import { PROVIDER_KIND_NAMES } from '../kinds/provider-kinds';

/**
 * The body of POST /v1/providers: the same shape as an entry of
 * PROVIDERS_FILE. These classes document it and let its fields through the
 * global whitelist; the kind-specific rules are checked by
 * validateProviderConnection, exactly as for the file.
 */
export class ProviderAuthRequestDto {
  @ApiProperty({ enum: ['token', 'bearer', 'keystone', 'oauth2-client-credentials'] })
  @Allow()
  type!: string;
  @ApiPropertyOptional({ maxLength: CONNECTION_LIMITS.secret, description: 'token, bearer', writeOnly: true })
  @Allow()
  token?: string;
  @ApiPropertyOptional({ maxLength: CONNECTION_LIMITS.url, description: 'keystone: Keystone v3 URL' })
  @Allow()
  authUrl?: string;
  @ApiPropertyOptional({ maxLength: CONNECTION_LIMITS.text, description: 'keystone' })
  @Allow()
  username?: string;
  @ApiPropertyOptional({ maxLength: CONNECTION_LIMITS.secret, description: 'keystone', writeOnly: true })
  @Allow()
  password?: string;
  @ApiPropertyOptional({ maxLength: CONNECTION_LIMITS.text, description: 'keystone: projectId or projectName' })
  @Allow()
  projectId?: string;
  @ApiPropertyOptional({ maxLength: CONNECTION_LIMITS.text, description: 'keystone' })
  @Allow()
  projectName?: string;
  @ApiPropertyOptional({
    maxLength: CONNECTION_LIMITS.text,
    description: "keystone: user and project domain, 'Default' when omitted",
  })
  @Allow()
  domain?: string;
  @ApiPropertyOptional({ maxLength: CONNECTION_LIMITS.url, description: 'oauth2-client-credentials' })
  @Allow()
  tokenUrl?: string;
  @ApiPropertyOptional({ maxLength: CONNECTION_LIMITS.text, description: 'oauth2-client-credentials' })
  @Allow()
  clientId?: string;
  @ApiPropertyOptional({
    maxLength: CONNECTION_LIMITS.secret,
    description: 'oauth2-client-credentials',
    writeOnly: true,
  })
  @Allow()
  clientSecret?: string;
  @ApiPropertyOptional({ maxLength: CONNECTION_LIMITS.text, description: 'oauth2-client-credentials' })
  @Allow()
  scope?: string;
}

class ProviderSettingsDto {
  @ApiPropertyOptional({ enum: PROVIDER_KIND_NAMES })
  @Allow()
  kind?: string;
  @ApiPropertyOptional({ maxLength: CONNECTION_LIMITS.url, example: 'https://api.genesiscloud.com' })
  @Allow()
  endpoint?: string;
  @ApiPropertyOptional({ enum: ['nhn', 'standard'], description: 'openstack-glance' })
  @Allow()
  dialect?: string;
  @ApiPropertyOptional({ maxLength: CONNECTION_LIMITS.text, description: 'openstack-glance, fpt-metal-cloud' })
  @Allow()
  region?: string;
  @ApiPropertyOptional({ maxLength: CONNECTION_LIMITS.text, description: 'fpt-metal-cloud' })
  @Allow()
  vpcId?: string;
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', maxLength: CONNECTION_LIMITS.text },
    maxItems: CONNECTION_LIMITS.regions,
    description: 'nscale: region ids',
  })
  @Allow()
  regions?: string[];
  @ApiPropertyOptional({ maxLength: CONNECTION_LIMITS.text, description: 'nscale' })
  @Allow()
  organizationId?: string;
  @ApiPropertyOptional({ minimum: 100, maximum: 600000, description: 'Per attempt' })
  @Allow()
  timeoutMs?: number;
  @ApiPropertyOptional({ minimum: 0, maximum: 10 })
  @Allow()
  maxRetries?: number;
  @ApiPropertyOptional({ minimum: 1, maximum: 256, description: 'Calls in flight at once, across every replica' })
  @Allow()
  maxConcurrentCalls?: number;
  @ApiPropertyOptional({
    minimum: 1,
    maximum: 256,
    description: 'Jobs of this connection running at once, across every worker (default JOB_CONCURRENCY_PER_PROVIDER)',
  })
  @Allow()
  maxConcurrentJobs?: number;
  @ApiPropertyOptional({ type: ProviderAuthRequestDto, description: 'Replaced whole; never returned by any route' })
  @Allow()
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
  @Allow()
  name!: string;
  @ApiProperty({ enum: PROVIDER_KIND_NAMES })
  @Allow()
  declare kind: string;
  @ApiProperty({ maxLength: CONNECTION_LIMITS.url })
  @Allow()
  declare endpoint: string;
  @ApiProperty({ type: ProviderAuthRequestDto })
  @Allow()
  declare auth: ProviderAuthRequestDto;
}

/** PATCH /v1/providers/{name}: a merge patch of the settings; `auth`, when given, replaces the whole block. */
export class UpdateProviderRequestDto extends ProviderSettingsDto {}
