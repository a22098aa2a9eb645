import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { parseApiKeys, type ApiKeySeed } from './api-keys.parser';
import { ConfigurationError } from './config.errors';
import { type ImportAllowRule, parseImportAllowlist } from './import-allowlist.parser';
import { EnvironmentVariables } from './env.schema';
import { parseTrustProxy, type TrustProxy } from './trust-proxy.parser';
import { flattenValidationErrors } from './validation-messages';

export type Role = 'api' | 'worker' | 'all';

export interface StagingConfig {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** A PUT of known size is staged as consecutive objects of this size, each pushed as soon as it lands; 0: whole. */
  segmentBytes: number;
}

/**
 * The broker's configuration, parsed and validated once at boot and injected
 * everywhere else. This is the only place that reads the environment.
 */
export class AppConfig {
  constructor(
    readonly role: Role,
    readonly port: number,
    readonly host: string,
    readonly databaseUrl: string,
    readonly redisUrl: string,
    readonly redisPrefix: string,
    /** PROVIDERS_FILE: read and validated by the providers capability (ProvidersFileConnections). */
    readonly providersFile: string | null,
    readonly apiKeys: readonly ApiKeySeed[],
    readonly secretsKey: Buffer | null,
    readonly syncIntervalSeconds: number,
    readonly workerConcurrency: number,
    /** Jobs running at once across every worker process. */
    readonly jobConcurrencyGlobal: number,
    /** Jobs of one provider connection running at once, unless the connection sets maxConcurrentJobs. */
    readonly jobConcurrencyPerProvider: number,
    readonly jobLockDurationMs: number,
    readonly shutdownTimeoutMs: number,
    readonly logLevel: string,
    readonly staging: StagingConfig | null,
    readonly importAllowedAddresses: readonly ImportAllowRule[],
    readonly importMaxBytes: number,
    /** How long a PUT body may make no progress before it is cut off. */
    readonly uploadIdleTimeoutMs: number,
    /** Requests per API key per window; 0 requests: no limit. */
    readonly rateLimit: { readonly requests: number; readonly windowSeconds: number },
    /** SECRETS_KEY_PREVIOUS: opens credentials sealed before a key rotation. */
    readonly secretsKeyPrevious: Buffer | null = null,
    /** TRUST_PROXY, as Fastify's trustProxy: the proxies whose X-Forwarded-For names the client. */
    readonly trustProxy: TrustProxy = false,
    /** IDEMPOTENCY_TTL_HOURS, in seconds: how long an Idempotency-Key's answer is kept. */
    readonly idempotencyTtlSeconds: number = 24 * 3600,
    /** The environment the config was read from, for files that reference it (`${env:NAME}` in PROVIDERS_FILE). */
    readonly environment: Readonly<Record<string, string | undefined>> = {},
    /** WEBHOOK_RETRY_BASE_MS: the first retry delay of a failed webhook delivery. */
    readonly webhookRetryBaseMs: number = 5_000,
  ) {}

  get runsApi(): boolean {
    return this.role === 'api' || this.role === 'all';
  }

  get runsWorker(): boolean {
    return this.role === 'worker' || this.role === 'all';
  }
}

export function loadAppConfig(env: Record<string, string | undefined>): AppConfig {
  const vars = plainToInstance(EnvironmentVariables, stripEmpty(env), { exposeDefaultValues: true });
  const errors = flattenValidationErrors(validateSync(vars, { whitelist: true }));
  if (errors.length > 0) {
    throw new ConfigurationError(`Invalid environment:\n  - ${errors.map((e) => e.message).join('\n  - ')}`);
  }
  return new AppConfig(
    vars.ROLE,
    vars.PORT,
    vars.HOST,
    vars.DATABASE_URL,
    vars.REDIS_URL,
    vars.REDIS_PREFIX,
    vars.PROVIDERS_FILE ?? null,
    parseApiKeys(vars.API_KEYS),
    parseSecretsKey(vars.SECRETS_KEY),
    vars.SYNC_INTERVAL_SECONDS,
    vars.WORKER_CONCURRENCY,
    vars.JOB_CONCURRENCY_GLOBAL,
    vars.JOB_CONCURRENCY_PER_PROVIDER,
    vars.JOB_LOCK_DURATION_MS,
    vars.SHUTDOWN_TIMEOUT_MS,
    vars.LOG_LEVEL,
    parseStaging(vars),
    parseImportAllowlist(vars.IMPORT_ALLOWED_ADDRESSES),
    vars.IMPORT_MAX_BYTES,
    vars.UPLOAD_IDLE_TIMEOUT_SECONDS * 1000,
    { requests: vars.RATE_LIMIT_REQUESTS, windowSeconds: vars.RATE_LIMIT_WINDOW_SECONDS },
    parsePreviousSecretsKey(vars),
    parseTrustProxy(vars.TRUST_PROXY),
    vars.IDEMPOTENCY_TTL_HOURS * 3600,
    { ...env },
    vars.WEBHOOK_RETRY_BASE_MS,
  );
}

function stripEmpty(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''),
  );
}

function parseSecretsKey(value: string | undefined, name = 'SECRETS_KEY'): Buffer | null {
  if (!value) return null;
  const key = Buffer.from(value, 'base64');
  if (key.length !== 32) throw new ConfigurationError(`${name} must be 32 bytes, base64-encoded`);
  return key;
}

function parsePreviousSecretsKey(vars: EnvironmentVariables): Buffer | null {
  const previous = parseSecretsKey(vars.SECRETS_KEY_PREVIOUS, 'SECRETS_KEY_PREVIOUS');
  if (previous && !vars.SECRETS_KEY) {
    throw new ConfigurationError('SECRETS_KEY_PREVIOUS is set, so SECRETS_KEY (the new key) must be set too');
  }
  return previous;
}

function parseStaging(vars: EnvironmentVariables): StagingConfig | null {
  if (!vars.STAGING_S3_ENDPOINT) return null;
  const missing = (['STAGING_S3_BUCKET', 'STAGING_S3_ACCESS_KEY_ID', 'STAGING_S3_SECRET_ACCESS_KEY'] as const).filter(
    (k) => !vars[k],
  );
  if (missing.length > 0) {
    throw new ConfigurationError(`STAGING_S3_ENDPOINT is set, so ${missing.join(', ')} must be set too`);
  }
  return {
    endpoint: vars.STAGING_S3_ENDPOINT,
    bucket: vars.STAGING_S3_BUCKET!,
    region: vars.STAGING_S3_REGION ?? 'us-east-1',
    accessKeyId: vars.STAGING_S3_ACCESS_KEY_ID!,
    secretAccessKey: vars.STAGING_S3_SECRET_ACCESS_KEY!,
    segmentBytes: vars.STAGING_SEGMENT_MIB * 1024 * 1024,
  };
}
