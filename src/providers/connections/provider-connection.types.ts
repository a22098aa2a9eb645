/**
 * Provider connections as the rest of the broker sees them, after
 * PROVIDERS_FILE (or POST /v1/providers) has been parsed, validated and had its
 * `${env:NAME}` references resolved. Secrets live only in `auth`.
 */
export const PROVIDER_KINDS = ['openstack-glance', 'fpt-metal-cloud', 'genesis-cloud', 'nscale'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

export interface StaticTokenAuth {
  type: 'token';
  token: string;
}

export interface BearerAuth {
  type: 'bearer';
  token: string;
}

export interface KeystonePasswordAuth {
  type: 'keystone';
  /** Keystone v3 base, e.g. https://api-identity.example.com/v3 */
  authUrl: string;
  username: string;
  password: string;
  projectId?: string;
  projectName?: string;
  /** User and project domain name; 'Default' when omitted. */
  domain?: string;
}

export interface OAuth2ClientCredentialsAuth {
  type: 'oauth2-client-credentials';
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
}

export type ProviderAuth = StaticTokenAuth | BearerAuth | KeystonePasswordAuth | OAuth2ClientCredentialsAuth;

/** Outbound call tuning, per connection (defaults in http/provider-http-client.ts). */
export interface HttpTuning {
  timeoutMs?: number;
  maxRetries?: number;
  /** Calls in flight to this connection at once, across every replica. */
  maxConcurrentCalls?: number;
}

interface ConnectionBase extends HttpTuning {
  name: string;
  endpoint: string;
  /** Jobs of this connection running at once across every worker (default JOB_CONCURRENCY_PER_PROVIDER). */
  maxConcurrentJobs?: number;
}

export interface GlanceConnection extends ConnectionBase {
  kind: 'openstack-glance';
  dialect: 'nhn' | 'standard';
  region?: string;
  auth: StaticTokenAuth | KeystonePasswordAuth;
}

export interface FptConnection extends ConnectionBase {
  kind: 'fpt-metal-cloud';
  vpcId: string;
  region?: string;
  auth: BearerAuth;
}

export interface GenesisConnection extends ConnectionBase {
  kind: 'genesis-cloud';
  auth: BearerAuth;
}

export interface NscaleConnection extends ConnectionBase {
  kind: 'nscale';
  regions: string[];
  organizationId: string;
  auth: BearerAuth | OAuth2ClientCredentialsAuth;
}

export type ProviderConnectionConfig = GlanceConnection | FptConnection | GenesisConnection | NscaleConnection;
