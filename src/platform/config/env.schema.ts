import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, ValidateIf } from 'class-validator';

const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));

/**
 * Every environment variable the broker reads, validated at boot with the same
 * class-validator idiom as request bodies. Defaults follow ../shared/CONTRACT.md.
 */
export class EnvironmentVariables {
  @IsOptional()
  @IsIn(['api', 'worker', 'all'])
  ROLE: 'api' | 'worker' | 'all' = 'all';

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsOptional()
  @IsString()
  HOST = '0.0.0.0';

  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgresql:// URL' })
  DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/image_broker';

  @IsOptional()
  @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  /** Prefix of every Redis key (BullMQ queues, locks), so several brokers or test runs share one Redis. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'REDIS_PREFIX may hold letters, digits, _ and - only' })
  REDIS_PREFIX = 'image-broker';

  @IsOptional()
  @IsString()
  PROVIDERS_FILE?: string;

  @IsOptional()
  @IsString()
  API_KEYS?: string;

  @IsOptional()
  @IsString()
  SECRETS_KEY?: string;

  /**
   * The key SECRETS_KEY replaces, during a rotation: credentials it sealed are
   * still read, and sealed again under SECRETS_KEY the first time they are.
   */
  @IsOptional()
  @IsString()
  SECRETS_KEY_PREVIOUS?: string;

  /** Seconds between scheduled catalogue syncs of every provider; 0 turns the schedule off. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  SYNC_INTERVAL_SECONDS = 900;

  /** Jobs one worker process runs at once. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(64)
  WORKER_CONCURRENCY = 4;

  /**
   * Jobs running at once across every worker process, held as leases in Redis.
   * WORKER_CONCURRENCY bounds one process; this bounds the deployment.
   */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  JOB_CONCURRENCY_GLOBAL = 32;

  /**
   * Jobs of one provider connection running at once across every worker
   * process, unless the connection sets its own `maxConcurrentJobs`.
   */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  JOB_CONCURRENCY_PER_PROVIDER = 8;

  /**
   * How long a worker holds a job's lock between renewals; a worker that dies
   * is noticed (and its job resumed elsewhere) about this long after.
   */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  JOB_LOCK_DURATION_MS = 30000;

  /** How long SIGTERM may take before the process exits anyway. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  SHUTDOWN_TIMEOUT_MS = 25000;

  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @ValidateIf((env: EnvironmentVariables) => env.STAGING_S3_ENDPOINT !== undefined)
  @IsString()
  STAGING_S3_ENDPOINT?: string;

  @IsOptional()
  @IsString()
  STAGING_S3_BUCKET?: string;

  @IsOptional()
  @IsString()
  STAGING_S3_REGION?: string;

  @IsOptional()
  @IsString()
  STAGING_S3_ACCESS_KEY_ID?: string;

  @IsOptional()
  @IsString()
  STAGING_S3_SECRET_ACCESS_KEY?: string;

  /**
   * A PUT of known size is staged as objects of this many MiB, and its upload
   * job pushes each one as soon as it lands: the smaller, the sooner the push
   * starts; the larger, the fewer objects (a 1 TiB image in 64 MiB is 16,384).
   * 0 stages every body whole before its push.
   */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1024)
  STAGING_SEGMENT_MIB = 64;

  /**
   * A PUT body that makes no progress for this many seconds is cut off (408):
   * a silent or stalled client does not keep its upload, and its job, waiting.
   */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86_400)
  UPLOAD_IDLE_TIMEOUT_SECONDS = 60;

  /**
   * Addresses an import URL may reach although they are loopback, private,
   * link-local, metadata or another special range: comma-separated IPs, CIDRs
   * or host names, each optionally with `:port` (`[v6]:port` for IPv6), parsed
   * by import-allowlist.parser.ts.
   */
  @IsOptional()
  @IsString()
  IMPORT_ALLOWED_ADDRESSES?: string;

  /**
   * Requests one API key may make per window (RATE_LIMIT_WINDOW_SECONDS),
   * counted in Redis so the limit holds across API replicas; 0 turns it off.
   */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  RATE_LIMIT_REQUESTS = 600;

  /** The rate limit's window; a minute unless set. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3600)
  RATE_LIMIT_WINDOW_SECONDS = 60;

  /**
   * Which proxies may set X-Forwarded-For: a hop count, or comma-separated
   * addresses/CIDRs (`loopback` and the like too). Unset: none is trusted.
   */
  @IsOptional()
  @IsString()
  TRUST_PROXY?: string;

  /** How long an Idempotency-Key is remembered; after that the same key is a new request. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(24 * 365)
  IDEMPOTENCY_TTL_HOURS = 24;

  /** The largest file an import may fetch, in bytes. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  IMPORT_MAX_BYTES = 64 * 1024 * 1024 * 1024;

  /**
   * The first retry delay of a failed webhook delivery; each further one
   * doubles, up to an hour, for at least 24 hours. Tests shorten it.
   */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(3_600_000)
  WEBHOOK_RETRY_BASE_MS = 5_000;
}
