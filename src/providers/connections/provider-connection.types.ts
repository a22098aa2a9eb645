/**
 * Provider connections as the rest of the broker sees them, after
 * PROVIDERS_FILE (or POST /v1/providers) has been parsed, validated and had its
 * `${env:NAME}` references resolved. Secrets live only in `auth`.
 *
 * No shape is written here: each type is the validation class that checks it
 * (the kind's own class in its folder, the auth classes in provider-connection.dto.ts).
 */
import type {
  BearerAuthDto,
  ConnectionBaseDto,
  KeystoneAuthDto,
  OAuth2ClientCredentialsAuthDto,
  TokenAuthDto,
} from './provider-connection.dto';
import type { FptConnectionDto } from '../kinds/fpt-metal-cloud/fpt-connection.dto';
import type { GenesisConnectionDto } from '../kinds/genesis-cloud/genesis-connection.dto';
import type { NscaleConnectionDto } from '../kinds/nscale/nscale-connection.dto';
import type { GlanceConnectionDto } from '../kinds/openstack-glance/glance-connection.dto';

export type StaticTokenAuth = TokenAuthDto;
export type BearerAuth = BearerAuthDto;
export type KeystonePasswordAuth = KeystoneAuthDto;
export type OAuth2ClientCredentialsAuth = OAuth2ClientCredentialsAuthDto;
export type ProviderAuth = StaticTokenAuth | BearerAuth | KeystonePasswordAuth | OAuth2ClientCredentialsAuth;

/** Outbound call tuning, per connection (defaults in platform/outbound-http/provider-http-client.ts). */
export type HttpTuning = Pick<ConnectionBaseDto, 'timeoutMs' | 'maxRetries' | 'maxConcurrentCalls'>;

export type GlanceConnection = GlanceConnectionDto;
export type FptConnection = FptConnectionDto;
export type GenesisConnection = GenesisConnectionDto;
export type NscaleConnection = NscaleConnectionDto;

/** A connection of the built-in kinds. */
export type ProviderConnectionConfig = GlanceConnection | FptConnection | GenesisConnection | NscaleConnection;
export type ProviderKind = ProviderConnectionConfig['kind'];
